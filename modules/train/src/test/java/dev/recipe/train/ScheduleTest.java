package dev.recipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void linearDecayWithoutWarmupAtFirstMiddleAndLastStep() {
        TrainConfig cfg = TrainConfig.of(1e-3, 1);
        assertEquals(1e-3, cfg.learningRateAt(0, 100), 1e-18);
        assertEquals(5e-4, cfg.learningRateAt(50, 100), 1e-18);
        assertEquals(1e-5, cfg.learningRateAt(99, 100), 1e-18);
        assertEquals(0.0, cfg.learningRateAt(100, 100), 0.0);
    }

    /** Values of transformers' get_linear_schedule_with_warmup(num_warmup_steps=10, num_training_steps=100). */
    @Test
    void linearWithWarmupMatchesTransformers() {
        TrainConfig cfg = TrainConfig.of(1e-3, 1).withWarmupSteps(10);
        assertEquals(0.0, cfg.learningRateAt(0, 100), 0.0);
        assertEquals(5e-4, cfg.learningRateAt(5, 100), 1e-18);
        assertEquals(1e-3, cfg.learningRateAt(10, 100), 1e-18);
        assertEquals(5e-4, cfg.learningRateAt(55, 100), 1e-18);
        assertEquals(1e-3 / 90, cfg.learningRateAt(99, 100), 1e-18);
    }

    @Test
    void constantKeepsTheRateAfterWarmup() {
        TrainConfig cfg = TrainConfig.of(1e-3, 1).withSchedule(Schedule.CONSTANT).withWarmupSteps(4);
        assertEquals(0.0, cfg.learningRateAt(0, 100), 0.0);
        assertEquals(5e-4, cfg.learningRateAt(2, 100), 1e-18);
        assertEquals(1e-3, cfg.learningRateAt(4, 100), 0.0);
        assertEquals(1e-3, cfg.learningRateAt(99, 100), 0.0);
    }
}
