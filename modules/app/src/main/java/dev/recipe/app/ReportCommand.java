package dev.recipe.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.recipe.core.AtomicFiles;
import dev.recipe.core.ConfigException;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/** {@code recipe report}: writes REPRODUCTION.md from the committed cells of the experiments and the paper's numbers. */
final class ReportCommand implements Main.Command {
    static final String EXAMPLE = "./recipe report --out REPRODUCTION.md";

    @Override
    public String summary() {
        return "REPRODUCTION.md: the paper's tables next to ours, each finding reproduced or not (reads cells only)";
    }

    @Override
    public int run(String[] args) throws Exception {
        Options o = new Options();
        o.addOption(Cli.opt("paper", "FILE", "the paper's numbers, default configs/paper/recipe-paper.json"));
        o.addOption(Cli.opt("config", "FILE", "an experiment config; repeatable; default every configs/experiments/*.json"));
        o.addOption(Cli.opt("out", "FILE", "default REPRODUCTION.md"));
        CommandLine cl = Cli.parse("report", EXAMPLE, o, args);
        if (cl == null) return 0;
        Path paper = Path.of(cl.getOptionValue("paper", "configs/paper/recipe-paper.json"));
        if (!Files.isRegularFile(paper)) throw new ConfigException("--paper " + paper + ": file not found");
        List<Path> configs = new ArrayList<>();
        if (cl.hasOption("config")) {
            for (String c : cl.getOptionValues("config")) configs.add(Path.of(c));
        } else {
            try (var s = Files.list(Path.of("configs/experiments"))) {
                configs.addAll(s.filter(p -> p.toString().endsWith(".json")).sorted().toList());
            }
        }
        Path out = Path.of(cl.getOptionValue("out", "REPRODUCTION.md"));
        String md = ReproductionReport.read(paper, configs).markdown();
        AtomicFiles.writeString(out, md);
        System.out.println("wrote " + out + " (" + md.lines().count() + " lines)");
        return 0;
    }
}
