package dev.recipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class TrainConfigTest {

    private static final TrainConfig OK = TrainConfig.of(1e-3, 1);

    private static void rejects(String field, Supplier<TrainConfig> make) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::get);
        assertTrue(e.getMessage().startsWith(field + " must be"), e.getMessage());
    }

    @Test
    void outOfRangeValuesNameTheField() {
        rejects("learningRate", () -> OK.withLearningRate(0));
        rejects("learningRate", () -> OK.withLearningRate(Double.NaN));
        rejects("weightDecay", () -> OK.withWeightDecay(-0.1));
        rejects("beta1", () -> OK.withBetas(1.0, 0.999));
        rejects("beta2", () -> OK.withBetas(0.9, -0.5));
        rejects("eps", () -> OK.withEps(0));
        rejects("epochs", () -> OK.withEpochs(0));
        rejects("warmupSteps", () -> OK.withWarmupSteps(-1));
        rejects("schedule", () -> OK.withSchedule(null));
        rejects("clipNorm", () -> OK.withClipNorm(Double.NaN));
        rejects("trainable", () -> OK.withTrainable(List.of("(unclosed")));
        rejects("checkpointEverySteps", () -> OK.withCheckpointEverySteps(-1));
        rejects("logEverySteps", () -> OK.withLogEverySteps(-5));
        rejects("momentum", () -> OK.withSgd(-0.1));
        rejects("momentum", () -> OK.withSgd(Double.NaN));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OK.withBetas(1.5, 0.9));
        assertEquals("beta1 must be [0, 1), got 1.5", e.getMessage());
    }

    @Test
    void defaultsAreThoseOfPyTorchAdamW() {
        assertEquals(0.9, OK.beta1());
        assertEquals(0.999, OK.beta2());
        assertEquals(1e-8, OK.eps());
        assertEquals(0, OK.warmupSteps());
        assertEquals(Schedule.LINEAR, OK.schedule());
        assertTrue(OK.trainable().isEmpty());
    }

    @Test
    void jsonRoundTripIsExactAndValidated() throws Exception {
        ObjectMapper json = new ObjectMapper();
        TrainConfig cfg = OK.withWeightDecay(0.1 + 0.2).withTrainable(List.of("^a\\.", "bias$"));
        TrainConfig back = json.readValue(json.writeValueAsString(cfg), TrainConfig.class);
        assertEquals(cfg, back);
        assertNull(cfg.firstTrajectoryDifference(back.withLogEverySteps(7).withCheckpointEverySteps(9)));
        assertEquals("weightDecay", cfg.firstTrajectoryDifference(OK));
        String bad = json.writeValueAsString(cfg).replace("\"epochs\":1", "\"epochs\":0");
        Exception e = assertThrows(Exception.class, () -> json.readValue(bad, TrainConfig.class));
        assertTrue(e.getMessage().contains("epochs must be >= 1"), e.getMessage());
        TrainConfig sgd = cfg.withSgd(0.9);
        assertEquals(sgd, json.readValue(json.writeValueAsString(sgd), TrainConfig.class));
        assertEquals("optimizer", cfg.firstTrajectoryDifference(sgd));
        assertEquals("momentum", sgd.firstTrajectoryDifference(cfg.withSgd(0.5)));
    }

    /** A checkpoint written before the optimizer was a setting reads back as the AdamW run it was. */
    @Test
    void aConfigWithoutOptimizerFieldsIsAdamW() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String old = json.writeValueAsString(OK).replace(",\"optimizer\":\"ADAMW\",\"momentum\":0.0", "");
        assertTrue(!old.contains("optimizer") && !old.contains("momentum"), old);
        assertEquals(OK, json.readValue(old, TrainConfig.class));
    }
}
