package dev.recipe.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.factory.Nd4j;

class OpTimerTest {

    /** Every op of the gradient function is timed once per gradient call, under its op name. */
    @Test
    void timesEveryOpOfTheGradientPass() {
        SameDiff sd = TestGraphs.linear(1.0f, -0.5f);
        sd.setLossVariables("loss");
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> feed = Map.of("c", Nd4j.createFromArray(0.5f, -2.0f));
        sd.calculateGradients(feed, List.of("w"));                // creates the "grad" function
        OpTimer timer = new OpTimer().attach(sd);
        sd.calculateGradients(feed, List.of("w"));
        sd.calculateGradients(feed, List.of("w"));

        Set<String> executed = timer.entries().stream().map(OpTimer.Entry::op).collect(Collectors.toSet());
        assertTrue(executed.contains("multiply"), "forward multiply timed: " + executed);
        assertTrue(executed.stream().anyMatch(op -> op.endsWith("_bp")), "a backward op timed: " + executed);
        for (OpTimer.Entry e : timer.entries()) {
            assertEquals(0, e.calls() % 2, e.op() + " ran the same number of times in each of the 2 calls");
            assertTrue(e.millis() >= 0);
        }
        List<Map<String, Object>> perStep = timer.perStep(100, 2);
        assertEquals(timer.totalCalls() / 2.0,
                perStep.stream().mapToDouble(m -> (Double) m.get("calls_per_step")).sum(), 1e-9);

        timer.reset();
        assertEquals(0, timer.totalCalls());
        assertEquals(0.0, timer.totalMillis());
    }
}
