package dev.recipe.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.recipe.core.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoint directories of one run: {@code <root>/step-<n>}, each written whole through
 * {@link AtomicFiles#writeDirectory} (so a {@code kill -9} never leaves a half-written {@code step-<n>}), of which
 * only the newest {@link #KEEP} are kept. What goes inside one is {@link TrainingCheckpoint}'s business.
 */
public final class CheckpointStore {
    /** Name of the JSON file that describes a checkpoint; its presence marks the directory as a checkpoint. */
    public static final String STATE_FILE = "trainer-state.json";
    /** How many checkpoints are kept. */
    public static final int KEEP = 2;

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final Pattern STEP_DIR = Pattern.compile("step-(\\d+)");
    private static final Pattern LEFTOVER = Pattern.compile("\\.(tmp|old)-step-.*|\\.deleting-step-.*");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path root;

    /** A store rooted at {@code root} (created at the first write, not before). */
    public CheckpointStore(Path root) {
        this.root = root.toAbsolutePath();
    }

    /** The directory holding the {@code step-<n>} checkpoints. */
    public Path root() {
        return root;
    }

    /** Where the checkpoint of {@code step} lives. */
    public Path dirFor(long step) {
        return root.resolve("step-" + step);
    }

    /** The {@code step-<n>} directories under the root, newest (highest n) first, complete or not. */
    public List<Path> list() {
        if (!Files.isDirectory(root)) return List.of();
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> Files.isDirectory(p) && stepOf(p) >= 0)
                    .sorted(Comparator.comparingLong(CheckpointStore::stepOf).reversed())
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list checkpoints in " + root + ": " + e.getMessage(), e);
        }
    }

    /**
     * The newest complete checkpoint: a {@code step-<n>} directory whose state file reads back and whose array files
     * all exist. Incomplete ones are skipped with a warning.
     */
    public Optional<Path> latest() {
        for (Path dir : list()) {
            String problem = incompleteness(dir);
            if (problem == null) return Optional.of(dir);
            LOG.warn("skipping incomplete checkpoint {}: {}", dir, problem);
        }
        return Optional.empty();
    }

    /** Writes a checkpoint directory atomically, replacing one of the same step, and returns it. */
    public Path write(long step, AtomicFiles.DirectoryWriter contents) {
        Path dir = dirFor(step);
        AtomicFiles.writeDirectory(dir, contents);
        return dir;
    }

    /**
     * Deletes all but the newest {@code keep} complete checkpoints (incomplete {@code step-<n>} directories, which
     * this class never writes, are left for a person to look at). Each is first renamed away (atomically), so a crash
     * mid-delete never leaves a partial {@code step-<n>} behind. Leftovers of interrupted writes and deletes
     * ({@code .tmp-step-*}, {@code .old-step-*}, {@code .deleting-*}) are removed too.
     */
    public void prune(int keep) {
        removeLeftovers();
        List<Path> complete = list().stream().filter(p -> incompleteness(p) == null).toList();
        for (Path old : complete.subList(Math.min(keep, complete.size()), complete.size())) {
            Path trash = root.resolve(".deleting-" + old.getFileName() + "-" + System.nanoTime());
            try {
                Files.move(old, trash);
            } catch (IOException e) {
                LOG.warn("could not remove old checkpoint {}: {}", old, e.getMessage());
                continue;
            }
            AtomicFiles.deleteRecursively(trash);
        }
    }

    private void removeLeftovers() {
        if (!Files.isDirectory(root)) return;
        try (Stream<Path> s = Files.list(root)) {
            s.filter(p -> LEFTOVER.matcher(p.getFileName().toString()).matches())
                    .forEach(AtomicFiles::deleteRecursively);
        } catch (IOException e) {
            LOG.warn("could not list {} to remove leftovers: {}", root, e.getMessage());
        }
    }

    /** Serializes a state as the JSON of {@link #STATE_FILE}. */
    public static String toJson(TrainerState state) {
        try {
            return JSON.writeValueAsString(state);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize trainer state: " + e.getMessage(), e);
        }
    }

    /** Reads the {@link #STATE_FILE} of a checkpoint directory. */
    public static TrainerState readState(Path dir) {
        Path file = dir.resolve(STATE_FILE);
        try {
            return JSON.readValue(file.toFile(), TrainerState.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The step of a {@code step-<n>} path, or -1 for any other name. */
    static long stepOf(Path p) {
        Matcher m = STEP_DIR.matcher(p.getFileName().toString());
        if (!m.matches()) return -1;
        try {
            return Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static String incompleteness(Path dir) {
        if (!Files.isRegularFile(dir.resolve(STATE_FILE))) return "no " + STATE_FILE;
        TrainerState state;
        try {
            state = readState(dir);
        } catch (RuntimeException e) {
            return e.getMessage();
        }
        if (state.step() != stepOf(dir)) return STATE_FILE + " says step " + state.step();
        List<TrainerState.ArrayEntry> entries = new ArrayList<>(state.variables());
        entries.addAll(state.adamM());
        entries.addAll(state.adamV());
        for (TrainerState.ArrayEntry e : entries) {
            if (!Files.isRegularFile(dir.resolve(e.file()))) return "missing " + e.file();
        }
        return null;
    }
}
