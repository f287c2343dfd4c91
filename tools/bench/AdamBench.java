// The optimiser alone: AdamW.step over 67 float arrays shaped like the mini BERT's (5.4 M parameters), 30 steps.
// Run (after the build):  CP=$(cat modules/app/target/classpath.txt); javac -d /tmp/ab -cp "$CP" tools/bench/AdamBench.java
//                         OMP_NUM_THREADS=2 java -cp "$CP:/tmp/ab" AdamBench
import java.util.LinkedHashMap;
import java.util.Map;

import dev.recipe.train.AdamW;
import dev.recipe.train.TrainConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

public class AdamBench {
    public static void main(String[] args) {
        Map<String, INDArray> p = new LinkedHashMap<>(), g = new LinkedHashMap<>();
        int k = 0;
        for (long[] s : new long[][] {{8192, 256}, {512, 256}, {2, 256}}) {
            p.put("e" + k, Nd4j.rand(s));
            g.put("e" + k, Nd4j.rand(s));
            k++;
        }
        long[][] layer = {{256, 256}, {256}, {256, 256}, {256}, {256, 256}, {256}, {256, 256}, {256}, {256}, {256},
                {1024, 256}, {1024}, {256, 1024}, {256}, {256}, {256}};
        for (int l = 0; l < 4; l++) {
            for (long[] s : layer) {
                p.put("l" + k, Nd4j.rand(s));
                g.put("l" + k, Nd4j.rand(s));
                k++;
            }
        }
        AdamW opt = new AdamW(TrainConfig.of(1e-4, 1));
        long n = 0;
        for (INDArray x : p.values()) n += x.length();
        System.out.println("params " + n + " arrays " + p.size());
        for (int it = 0; it < 30; it++) {
            long t = System.nanoTime();
            opt.step(p, g, 0.9, 1e-4);
            if (it % 5 == 4) System.out.printf("adamw step %.1f ms%n", (System.nanoTime() - t) / 1e6);
        }
    }
}
