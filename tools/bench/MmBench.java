// Dense-layer products alone: ND4J matmul / matmul_bp against two mmul calls, for the mini BERT's [2048 x in] x [out x in]^T
// shapes, 20 timed repetitions. Run: CP=$(cat modules/app/target/classpath.txt); javac -d /tmp/mm -cp "$CP" tools/bench/MmBench.java;
// OMP_NUM_THREADS=2 java -cp "$CP:/tmp/mm" MmBench   (the PyTorch side: tools/bench/matmul_peer.py)
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
public class MmBench {
  public static void main(String[] a) {
    int[][] shapes = {{2048,256,256},{2048,256,1024},{2048,1024,256}}; // rows, in, out
    for (int[] s : shapes) {
      INDArray x = Nd4j.rand(DataType.FLOAT, s[0], s[1]), w = Nd4j.rand(DataType.FLOAT, s[2], s[1]), dy = Nd4j.rand(DataType.FLOAT, s[0], s[2]);
      double tf=0, tbp=0, t2=0; int n=20;
      for (int it=0; it<n+3; it++) {
        long t0=System.nanoTime();
        INDArray y = Nd4j.create(DataType.FLOAT, s[0], s[2]);
        Nd4j.exec(DynamicCustomOp.builder("matmul").addInputs(x, w).addOutputs(y).addIntegerArguments(0,1,0).build());
        long t1=System.nanoTime();
        INDArray dx = Nd4j.create(DataType.FLOAT, s[0], s[1]), dw = Nd4j.create(DataType.FLOAT, s[2], s[1]);
        Nd4j.exec(DynamicCustomOp.builder("matmul_bp").addInputs(x, w, dy).addOutputs(dx, dw).addIntegerArguments(0,1,0).build());
        long t2a=System.nanoTime();
        INDArray dx2 = dy.mmul(w);               // [rows,out]x[out,in]
        INDArray dw2 = dy.transpose().mmul(x);   // [out,rows]x[rows,in]
        long t3=System.nanoTime();
        if (it>=3) { tf+=(t1-t0)/1e6; tbp+=(t2a-t1)/1e6; t2+=(t3-t2a)/1e6; }
        if (it==n+2) System.out.printf("shape %s: matmul %.2f ms, matmul_bp %.2f ms, two mmul %.2f ms; maxdiff dx %.2e dw %.2e%n", java.util.Arrays.toString(s), tf/n, tbp/n, t2/n, dx.sub(dx2).amaxNumber().doubleValue(), dw.sub(dw2).amaxNumber().doubleValue());
      }
    }
  }
}
