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
        COMMANDS.put("finetune", new FinetuneCommand());
        COMMANDS.put("attack", new AttackCommand());
        COMMANDS.put("purify", new PurifyCommand());
        COMMANDS.put("evaluate", new EvaluateCommand());
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
        } catch (IllegalArgumentException | IllegalStateException | java.io.UncheckedIOException
                 | dev.recipe.train.TrainingDivergedException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        }
    }

    static void usage() {
        System.out.println("recipe: backdoors in pre-trained models (implant, purify, evaluate) on SameDiff\n");
        System.out.println("usage: ./recipe <command> [options]   (./recipe <command> --help for its options)\n");
        COMMANDS.forEach((name, c) -> System.out.printf("  %-11s %s%n", name, c.summary()));
    }
}
