// Step time of the zoo's ViT pre-training (classification) step at batch 64 on CIFAR-10 images resized to 64x64, for
// hidden sizes 128 / 192 / 256 (4 layers, 4 heads, MLP 4x): session 26, grid stopped with SIGSTOP, 15 steps after 2,
// medians 538 / 791 / 1,141 ms (VitConfig.small / - / mini).
// mvn -q -B install -DskipTests; CP=$(cat modules/app/target/classpath.txt); javac -d /tmp/vitb -cp "$CP" tools/bench/VitStep.java
// B=/usr/lib/x86_64-linux-gnu/openblas-openmp; for h in 128 192 256; do OMP_WAIT_POLICY=PASSIVE \
//   LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1 java -Xmx2g \
//   -Dorg.bytedeco.javacpp.maxbytes=4G -Dorg.bytedeco.openblas.load=openblas -Dorg.bytedeco.javacpp.pathsFirst=true \
//   -Djava.library.path=$B -cp "$CP:/tmp/vitb" VitStep 64 $h ../shared/data; done
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.recipe.train.*;
import dev.recipe.vision.*;
import dev.recipe.zoo.data.ImageBatches;
import dev.recipe.zoo.vit.*;
import org.nd4j.linalg.api.buffer.DataType;

public class VitStep {
  public static void main(String[] a) {
    int batch = Integer.parseInt(a[0]);
    ImageDataset d = ImageDataset.load("cifar10", "train", Path.of(a[2]), 96);
    long t0 = System.nanoTime();
    ImageBatches b = new ImageBatches(d.images(), 64, batch, true, 1, DataType.FLOAT, ImageBatches.HALF, ImageBatches.HALF);
    System.out.printf("resize %d images: %.1f s%n", b.size(), (System.nanoTime() - t0) / 1e9);
    int h = Integer.parseInt(a[1]); Vit.Model m = Vit.build(new VitConfig(h, 4, 4, 4 * h, 64, 8, 3, 1e-12, 0.02), 10, true, DataType.FLOAT, 1);
    List<Long> times = new ArrayList<>();
    long[] last = {System.nanoTime()};
    new Trainer(info -> { long now = System.nanoTime(); times.add(now - last[0]); last[0] = now; })
        .fit(m.graph(), m.spec().pretrainLoss(), b, TrainConfig.of(1e-3, 1), null);
    List<Long> s = new ArrayList<>(times.subList(2, times.size())); s.sort(null);
    System.out.printf("batch %d: %d steps, median %.0f ms, losses in log%n", batch, times.size(), s.get(s.size() / 2) / 1e6);
  }
}
