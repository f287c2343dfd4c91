package dev.recipe.app;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one {@code recipe <command>} in a child JVM with this JVM's options (its off-heap limit set to 80 % of the
 * machine's memory, {@code -Drecipe.stageMemory}), classpath and environment, the way the quickstart and {@code recipe experiment} chain stages.
 *
 * <p>Why child JVMs: SameDiff 1.0.0-M2.1 grows native memory with every op execution (README, Memory), so one process
 * for a whole pipeline outgrows any limit. A stage that ends with {@link Main#EXIT_RESUMABLE} (out of memory) or is
 * killed (137, the kernel's OOM killer) is run again: attack, pretrain and purify resume from their newest
 * checkpoint, evaluate from its finished cells. Any other non-zero exit is an error and stops the caller.
 */
final class Stage {
    /** Restarts allowed per stage: a mini attack of a few hundred steps needs about one per 40 steps. */
    static final int MAX_ATTEMPTS = 40;

    /** Share of the machine's memory a stage may hold ({@code -Drecipe.stageMemory=0.7} when sharing the machine). */
    static final double MEMORY_FRACTION = Double.parseDouble(System.getProperty("recipe.stageMemory", "0.8"));

    private Stage() {}

    /**
     * Stages running now. A stage is its own process, so killing the parent (Ctrl-C, {@code kill}) would leave it
     * running, training on alone and writing into the same work directories as the run that resumes it (session 29:
     * two copies of one RECIPE stage wrote one checkpoint directory). The shutdown hook stops them with the parent;
     * {@code kill -9} of the parent cannot be caught, so it still leaves them (kill the process group instead).
     */
    private static final java.util.Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Process p : LIVE) p.destroy();
            for (Process p : LIVE) {
                try {
                    if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            }
        }, "recipe-stop-stages"));
    }

    /**
     * How a stage shares the machine: its native threads ({@code OMP_NUM_THREADS}; null = as this JVM), its share of
     * the machine's memory, and a log file its output is appended to (null = this console).
     */
    record Share(Integer threads, double memoryFraction, Path log) {
        static final Share WHOLE = new Share(null, MEMORY_FRACTION, null);

        /** One of {@code jobs} stages running side by side: the cores and the memory split evenly. */
        static Share oneOf(int jobs, Path log) {
            int cores = Runtime.getRuntime().availableProcessors();
            return new Share(Math.max(1, cores / jobs), MEMORY_FRACTION / jobs, log);
        }
    }

    static void run(String... args) throws Exception {
        run(Share.WHOLE, args);
    }

    static void run(Share share, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        long physical = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getTotalMemorySize();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!a.startsWith("-Dorg.bytedeco.javacpp.maxphysicalbytes=")) cmd.add(a);
        }
        cmd.add("-Dorg.bytedeco.javacpp.maxphysicalbytes=" + (long) (physical * share.memoryFraction()));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (share.threads() != null) {
            pb.environment().put("OMP_NUM_THREADS", String.valueOf(share.threads()));
            pb.environment().put("OPENBLAS_NUM_THREADS", String.valueOf(share.threads()));
        }
        if (share.log() != null) {
            java.nio.file.Files.createDirectories(share.log().toAbsolutePath().getParent());
            pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(share.log().toFile()));
        } else {
            pb.inheritIO();
        }
        String what = "stage '" + String.join(" ", args) + "'" + (share.log() == null ? "" : " (" + share.log() + ")");
        untilDone(what, () -> {
            Process child = pb.start();
            LIVE.add(child);
            try {
                return child.waitFor();
            } catch (InterruptedException e) { // the caller gave up (a side-by-side stage failed): stop this one too
                child.destroy();
                if (!child.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) child.destroyForcibly();
                throw e;
            } finally {
                LIVE.remove(child);
            }
        });
    }

    /** One run of a recipe process to its end: its exit code. */
    @FunctionalInterface
    interface Attempt {
        int exitCode() throws Exception;
    }

    /**
     * Runs {@code attempt} again while it ends out of memory ({@link Main#EXIT_RESUMABLE}, or 137 from the kernel's
     * OOM killer), at most {@link #MAX_ATTEMPTS} times; any other non-zero exit fails at once. Shared by the stages
     * of the quickstart and {@code recipe experiment} and by {@link Commands#run} (notebooks).
     */
    static void untilDone(String what, Attempt attempt) throws Exception {
        int rc = -1;
        for (int n = 1; n <= MAX_ATTEMPTS; n++) {
            if (n > 1) System.out.println("   (" + what + " ran out of native memory; resuming, attempt " + n + ")");
            rc = attempt.exitCode();
            if (rc == 0) return;
            if (rc != Main.EXIT_RESUMABLE && rc != 137) break;
        }
        throw new IllegalStateException(what + " failed with exit code " + rc
                + (rc == Main.EXIT_RESUMABLE || rc == 137 ? " after " + MAX_ATTEMPTS + " attempts" : ""));
    }
}
