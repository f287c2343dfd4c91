package dev.recipe.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.recipe.core.Checksums;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

class CheckpointTest {
    private static final List<String> VARS = List.of("layer0.bias", "layer0.weight", "layer1.bias", "layer1.weight");

    @TempDir
    Path tmp;

    private TrainResult train(SameDiff sd, TrainConfig cfg, Path dir) {
        return new Trainer().fit(sd, Mlp.LOSS, Mlp.data(cfg.seed()), cfg, dir);
    }

    @Test
    void keepsTheLatestTwoCompleteCheckpointsWithChecksummedArrays() throws IOException {
        SameDiff sd = Mlp.graph(8, 99);
        Path dir = tmp.resolve("ckpt");
        train(sd, Mlp.config(), dir);

        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("step-12", "step-9"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "only the newest two, no temporary or half-deleted directories");
        }
        Path last = dir.resolve("step-12");
        TrainerState state = CheckpointStore.readState(last);
        assertEquals(12, state.step());
        assertEquals(2, state.epoch());
        assertEquals(0, state.indexInEpoch());
        assertEquals(Mlp.config(), state.config());
        assertEquals(12, state.losses().size());
        assertEquals(VARS, state.variables().stream().map(TrainerState.ArrayEntry::name).toList());
        assertEquals(VARS, state.trainable());
        assertArrayEquals(new long[] {4, 8}, state.variables().get(1).shape());
        assertEquals(VARS, state.adamV().stream().map(TrainerState.ArrayEntry::name).toList());
        for (TrainerState.ArrayEntry e : state.variables()) {
            Path f = last.resolve(e.file());
            assertEquals(Checksums.sha256(f), e.sha256());
            assertArrayEquals(TestGraphs.bytes(sd.getArrForVarName(e.name())),
                    TestGraphs.bytes(Nd4j.fromByteArray(Files.readAllBytes(f))), e.name() + " round-trips exactly");
        }
        String json = Files.readString(last.resolve(CheckpointStore.STATE_FILE));
        assertTrue(json.contains("\"sha256\"") && json.contains("\"layer1.bias\""), json);
    }

    @ParameterizedTest
    @ValueSource(strings = {"adamw", "sgd"})
    void resumingAfterAnInterruptionInProcessIsBitIdentical(String optimizer) {
        TrainConfig adamW = Mlp.config().withLogEverySteps(0);
        // SGD's momentum buffers are its checkpointed state; weight decay on, as AdamW's config has it
        TrainConfig cfg = optimizer.equals("sgd") ? adamW.withSgd(0.9) : adamW;
        SameDiff straight = Mlp.graph(8, 99);
        TrainResult full = train(straight, cfg, null);

        Path dir = tmp.resolve("ckpt");
        Trainer dying = new Trainer(info -> {
            if (info.step() == 7) throw new IllegalStateException("simulated crash");
        });
        assertThrows(IllegalStateException.class,
                () -> dying.fit(Mlp.graph(8, 99), Mlp.LOSS, Mlp.data(cfg.seed()), cfg, dir));
        SameDiff resumed = Mlp.graph(8, 99);
        TrainResult rest = new Trainer().resume(resumed, Mlp.LOSS, Mlp.data(cfg.seed()), cfg, dir);

        assertEquals(6, rest.resumedFrom());
        assertEquals(full.losses(), rest.losses());
        for (String v : VARS) {
            assertArrayEquals(TestGraphs.bytes(straight.getArrForVarName(v)),
                    TestGraphs.bytes(resumed.getArrForVarName(v)), v);
        }
        TrainResult again = train(Mlp.graph(8, 99), cfg, dir);
        assertEquals(12, again.resumedFrom(), "a finished run resumes at its end and does nothing");
        assertEquals(full.losses(), again.losses());
    }

    @Test
    void aGraphWithOtherShapesIsRejectedNamingTheVariable() {
        Path dir = tmp.resolve("ckpt");
        train(Mlp.graph(8, 99), Mlp.config().withLogEverySteps(0), dir);

        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> train(Mlp.graph(9, 99), Mlp.config(), dir));
        // variables are checked in name order: layer0.bias [9] comes before layer0.weight [4, 9]
        assertTrue(e.getMessage().contains("variable 'layer0.bias' expected shape [9] FLOAT, found [8] FLOAT"),
                e.getMessage());
    }

    @Test
    void aDifferentConfigIsRejectedNamingTheField() {
        Path dir = tmp.resolve("ckpt");
        train(Mlp.graph(8, 99), Mlp.config().withLogEverySteps(0), dir);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> train(Mlp.graph(8, 99), Mlp.config().withLearningRate(0.01), dir));
        assertTrue(e.getMessage().contains("learningRate differs"), e.getMessage());
        IllegalStateException o = assertThrows(IllegalStateException.class,
                () -> train(Mlp.graph(8, 99), Mlp.config().withSgd(0.9), dir));
        assertTrue(o.getMessage().contains("optimizer differs"), o.getMessage());
    }

    @Test
    void aCorruptArrayFileIsDetected() throws IOException {
        Path dir = tmp.resolve("ckpt");
        train(Mlp.graph(8, 99), Mlp.config().withLogEverySteps(0), dir);
        Path last = dir.resolve("step-12");
        Path f = last.resolve(CheckpointStore.readState(last).adamM().get(1).file());
        byte[] b = Files.readAllBytes(f);
        b[b.length - 1] ^= 1;
        Files.write(f, b);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> train(Mlp.graph(8, 99), Mlp.config(), dir));
        assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains(f.getFileName().toString()),
                e.getMessage());
    }

    @Test
    void incompleteDirectoriesAreSkippedAndLeftoversRemoved() throws IOException {
        Path dir = tmp.resolve("ckpt");
        train(Mlp.graph(8, 99), Mlp.config().withLogEverySteps(0), dir);
        Files.createDirectories(dir.resolve(".tmp-step-15123/variables"));
        Files.createDirectories(dir.resolve(".deleting-step-3-99"));
        Files.createDirectories(dir.resolve("step-20"));
        CheckpointStore store = new CheckpointStore(dir);

        assertEquals(dir.resolve("step-12"), store.latest().orElseThrow());
        store.prune(CheckpointStore.KEEP);
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of("step-12", "step-20", "step-9"),
                    s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void resumeWithoutACheckpointFails() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Trainer().resume(
                Mlp.graph(8, 99), Mlp.LOSS, Mlp.data(1), Mlp.config(), tmp.resolve("empty")));
        assertTrue(e.getMessage().contains("no complete checkpoint"), e.getMessage());
    }
}
