package dev.recipe.app;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

/** Small helpers over Apache Commons CLI: parse with --help, typed values with errors that name the option. */
final class Cli {
    private Cli() {}

    static Option opt(String longName, String arg, String description) {
        Option.Builder b = Option.builder().longOpt(longName).desc(description);
        if (arg != null) b.hasArg().argName(arg);
        return b.build();
    }

    /** Parses, or prints help and returns null when --help is given. */
    static CommandLine parse(String command, String example, Options options, String[] args) {
        options.addOption(opt("help", null, "show this help"));
        try {
            CommandLine cl = new DefaultParser().parse(options, args);
            if (cl.hasOption("help")) {
                help(command, example, options);
                return null;
            }
            if (!cl.getArgList().isEmpty()) throw new IllegalArgumentException("unexpected arguments " + cl.getArgList());
            return cl;
        } catch (ParseException e) {
            throw new IllegalArgumentException(e.getMessage() + " (./recipe " + command + " --help)");
        }
    }

    static void help(String command, String example, Options options) {
        new HelpFormatter().printHelp(120, "./recipe " + command + " [options]", "", options, "\nexample: " + example);
    }

    static int integer(CommandLine cl, String name, int dflt) {
        String v = cl.getOptionValue(name);
        if (v == null) return dflt;
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be an integer, was '" + v + "'");
        }
    }

    static double real(CommandLine cl, String name, double dflt) {
        String v = cl.getOptionValue(name);
        if (v == null) return dflt;
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, was '" + v + "'");
        }
    }
}
