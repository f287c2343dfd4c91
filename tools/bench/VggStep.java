// Step time of the zoo's VGG pre-training (classification) step on CIFAR-10 images at the preset's size.
// mvn -q -B install -DskipTests; CP=$(cat modules/app/target/classpath.txt); javac -d /tmp/vggb -cp "$CP" tools/bench/VggStep.java
// B=/usr/lib/x86_64-linux-gnu/openblas-openmp; OMP_WAIT_POLICY=PASSIVE \
//   LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 MALLOC_CONF=dirty_decay_ms:-1,muzzy_decay_ms:-1 java -Xmx2g \
//   -Dorg.bytedeco.javacpp.maxbytes=4G -Dorg.bytedeco.openblas.load=openblas -Dorg.bytedeco.javacpp.pathsFirst=true \
//   -Djava.library.path=$B -cp "$CP:/tmp/vggb" VggStep 64 mini ../shared/data
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.recipe.train.*;
import dev.recipe.vision.*;
import dev.recipe.zoo.data.ImageBatches;
import dev.recipe.zoo.vision.*;
import org.nd4j.linalg.api.buffer.DataType;

public class VggStep {
  public static void main(String[] a) {
    int batch = Integer.parseInt(a[0]);
    VisionModel m = VisionModels.build("vgg", a[1], 10, true, DataType.FLOAT, 1);
    ImageDataset d = ImageDataset.load("cifar10", "train", Path.of(a[2]), 96);
    ImageBatches b = new ImageBatches(d.images(), m.imageSize(), batch, true, 1, DataType.FLOAT, ImageBatches.HALF, ImageBatches.HALF);
    List<Long> times = new ArrayList<>();
    long[] last = {System.nanoTime()};
    new Trainer(info -> { long now = System.nanoTime(); times.add(now - last[0]); last[0] = now; })
        .fit(m.graph(), m.spec().pretrainLoss(), b, TrainConfig.of(1e-3, 1), null);
    List<Long> s = new ArrayList<>(times.subList(2, times.size())); s.sort(null);
    System.out.printf("vgg %s batch %d: %d steps, median %.0f ms%n", a[1], batch, times.size(), s.get(s.size() / 2) / 1e6);
  }
}
