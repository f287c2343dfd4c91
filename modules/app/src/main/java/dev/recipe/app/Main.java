package dev.recipe.app;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.recipe.nn.SameDiffFixes;

/**
 * {@code recipe <command> [options]}: the command-line entry point. Each command has {@code --help}.
 */
public final class Main {
    /** A sub-command. */
    interface Command {
        String summary();
        int run(String[] args) throws Exception;
    }

    static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        COMMANDS.put("quickstart", new QuickstartCommand());
        COMMANDS.put("pretrain", new PretrainCommand());
        COMMANDS.put("pretrain-vision", new VisionPretrainCommand());
        COMMANDS.put("finetune", new FinetuneCommand());
        COMMANDS.put("attack", new AttackCommand());
        COMMANDS.put("purify", new PurifyCommand());
        COMMANDS.put("evaluate", new EvaluateCommand());
        COMMANDS.put("experiment", new ExperimentCommand());
        COMMANDS.put("report", new ReportCommand());
        COMMANDS.put("bench", new BenchCommand());
        COMMANDS.put("card", new CardCommand());
    }

    private Main() {}

    public static void main(String[] args) throws Exception {
        System.exit(run(args));
    }

    static int run(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            usage();
            return args.length == 0 ? 2 : 0;
        }
        Command c = COMMANDS.get(args[0]);
        if (c == null) {
            System.err.println("unknown command '" + args[0] + "'; commands: " + COMMANDS.keySet());
            return 2;
        }
        SameDiffFixes.install();
        try {
            return c.run(Arrays.copyOfRange(args, 1, args.length));
        } catch (Throwable e) {
            if (outOfMemory(e)) {
                System.err.println("error: out of memory (" + e + "); run the same command again to resume: "
                        + "training resumes from its newest checkpoint, evaluation from its finished cells");
                return EXIT_RESUMABLE;
            }
            if (e instanceof IllegalArgumentException || e instanceof IllegalStateException
                    || e instanceof java.io.UncheckedIOException || e instanceof dev.recipe.train.TrainingDivergedException) {
                System.err.println("error: " + e.getMessage());
                return 1;
            }
            throw e;
        }
    }

    /**
     * Exit code of a command that ran out of (native) memory: DL4J M2.1 grows native memory with every op until the
     * javacpp limit ends the process (README, Memory), and every long command resumes when run again, so callers such
     * as {@code recipe experiment} run it again on this code and stop on any other.
     */
    static final int EXIT_RESUMABLE = 3;

    static boolean outOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError) return true;
        }
        return false;
    }

    static void usage() {
        System.out.println("recipe: backdoors in pre-trained models (implant, purify, evaluate) on SameDiff\n");
        System.out.println("usage: ./recipe <command> [options]   (./recipe <command> --help for its options)\n");
        COMMANDS.forEach((name, c) -> System.out.printf("  %-11s %s%n", name, c.summary()));
    }
}
