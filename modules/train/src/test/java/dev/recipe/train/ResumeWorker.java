package dev.recipe.train;

import java.nio.file.Path;

/**
 * Main class run in a separate JVM by {@link ResumeTest}: trains {@link Mlp} with checkpoints, sleeping after each
 * step so that the parent can kill it (SIGKILL) mid-run. Arguments: checkpoint directory, sleep per step in ms.
 */
public final class ResumeWorker {
    private ResumeWorker() {}

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long sleepMillis = Long.parseLong(args[1]);
        TrainConfig cfg = Mlp.config();
        Trainer trainer = new Trainer(info -> {
            System.out.println("WORKER step " + info.step() + " loss " + info.loss() + " checkpoint "
                    + info.checkpoint());
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        trainer.fit(Mlp.graph(8, 99), Mlp.LOSS, Mlp.data(cfg.seed()), cfg, dir);
        System.out.println("WORKER finished");
    }
}
