package dev.recipe.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProvenanceTest {
    @Test
    void namesTheBlasAndAllocatorLibrariesOnceAndTheKernelsTheEnvironmentPicks(@TempDir Path dir) throws Exception {
        Path maps = dir.resolve("maps");
        Files.writeString(maps, String.join("\n",
                "7f0000000000-7f0000001000 r-xp 00000000 08:01 1 /usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblasp-r0.3.21.so",
                "7f0000001000-7f0000002000 r--p 00001000 08:01 1 /usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblasp-r0.3.21.so",
                "7f0000002000-7f0000003000 r-xp 00000000 08:01 2 /usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
                "7f0000003000-7f0000004000 r-xp 00000000 08:01 3 /usr/lib/x86_64-linux-gnu/libc.so.6",
                "7ffd00000000-7ffd00001000 rw-p 00000000 00:00 0 [stack]") + "\n");
        List<String> jemallocAndBlas = List.of("/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
                "/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblasp-r0.3.21.so");
        assertEquals(jemallocAndBlas, Provenance.nativeLibraries(maps, null));
        assertEquals(jemallocAndBlas, Provenance.nativeLibraries(maps, " "));
        List<String> withKernels = new java.util.ArrayList<>(jemallocAndBlas);
        withKernels.add("OPENBLAS_CORETYPE=Haswell");
        assertEquals(withKernels, Provenance.nativeLibraries(maps, "Haswell"));
        assertEquals(List.of("OPENBLAS_CORETYPE=SkylakeX"), Provenance.nativeLibraries(dir.resolve("absent"), "SkylakeX"));
    }
}
