package dev.recipe.vision;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import dev.recipe.core.ConfigException;

/**
 * An image classification task read from the archive ../shared/data holds it in: images in one folder per class
 * ({@code <split>/<class folder>/<file>}), read in entry-name order (so a subset is the same on every machine, unlike
 * the authors' {@code os.listdir} order). The archives are read in place, never unpacked.
 *
 * <p>Tasks: {@code cifar10} (10 classes, CIFAR-10's index order), {@code catdog} (CIFAR-10's cat = 0 and dog = 1: a
 * stand-in for the papers' Kaggle Cats-vs-Dogs, which ../shared/data does not hold), {@code gtsrb} (GTSRB classes 13
 * "yield" = 0 and 38 "keep right" = 1, NeuBA's binary task). Splits: {@code train}, {@code test}.
 *
 * <p>One task is read from a folder instead: {@code gtsrb41}, GTSRB's final-test subset in
 * {@code images/gtsrb32-test30} (30 images of each of 43 classes, labels from its {@code labels_subset.csv}) without
 * classes 13 and 38, so that it shares no image with the {@code gtsrb} task: 1,230 traffic signs of 41 classes, named
 * by their GTSRB class id. It has only the split {@code test} (they are official test images); the project uses it as
 * auxiliary images of another distribution than CIFAR-10.
 *
 * @param name    the task
 * @param archive the file it was read from, for provenance: the archive, or a folder task's labels file
 * @param classes class names, index = label
 * @param split   "train" or "test" ("all" for {@link #unlabelled} images)
 * @param images  the examples, class by class, each class in entry-name order
 */
public record ImageDataset(String name, Path archive, List<String> classes, String split, List<LabelledImage> images) {
    public ImageDataset {
        classes = List.copyOf(classes);
        images = List.copyOf(images);
    }

    /** What a task reads: the archive under the data root, and each class's folder in it. */
    private record Layout(String archive, List<String> classes, List<String> folders) {}

    private static final List<String> CIFAR10 = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");
    private static final Map<String, Layout> TASKS = Map.of(
            "cifar10", new Layout("images/cifar10-jpg.zip", CIFAR10, CIFAR10),
            "catdog", new Layout("images/cifar10-jpg.zip", List.of("cat", "dog"), List.of("cat", "dog")),
            "gtsrb", new Layout("images/gtsrb32-yield-keepright.zip", List.of("yield", "keep right"), List.of("00013", "00038")));

    /** A task read from a folder of images and a ';'-separated labels file (GTSRB's layout), some classes left out. */
    private record FolderLayout(String folder, String labels, java.util.Set<Integer> excluded, String split) {}

    private static final Map<String, FolderLayout> FOLDER_TASKS = Map.of(
            "gtsrb41", new FolderLayout("images/gtsrb32-test30", "labels_subset.csv", java.util.Set.of(13, 38), "test"));

    /** The tasks {@link #load} knows. */
    public static List<String> tasks() {
        TreeMap<String, Object> all = new TreeMap<>(TASKS);
        all.putAll(FOLDER_TASKS);
        return List.copyOf(all.keySet());
    }

    /** The tasks that have {@code split} (every archive task has both; a folder task only its own). */
    public static List<String> tasksWith(String split) {
        List<String> out = new ArrayList<>();
        for (String t : tasks()) {
            if (TASKS.containsKey(t) || FOLDER_TASKS.get(t).split().equals(split)) out.add(t);
        }
        return out;
    }

    /**
     * Reads {@code split} of {@code task} from its archive under {@code dataRoot} (../shared/data), at most
     * {@code perClass} images of each class (the first by entry name; 0 = all).
     */
    public static ImageDataset load(String task, String split, Path dataRoot, int perClass) {
        Layout layout = TASKS.get(task);
        FolderLayout folder = FOLDER_TASKS.get(task);
        if (layout == null && folder == null) throw new ConfigException("unknown image task '" + task + "'; known: " + tasks());
        if (!split.equals("train") && !split.equals("test")) {
            throw new ConfigException("image task split '" + split + "': expected train or test");
        }
        if (perClass < 0) throw new ConfigException("images per class must be >= 0, was " + perClass);
        if (folder != null) return loadFolder(task, folder, split, dataRoot, perClass);
        Path zip = dataRoot.resolve(layout.archive());
        if (!Files.isRegularFile(zip)) throw new ConfigException(zip + ": file not found (image task '" + task + "')");
        List<LabelledImage> out = new ArrayList<>();
        try (ZipFile zf = new ZipFile(zip.toFile())) {
            for (int label = 0; label < layout.folders().size(); label++) {
                String prefix = split + "/" + layout.folders().get(label) + "/";
                List<ZipEntry> entries = new ArrayList<>();
                for (ZipEntry e : Collections.list(zf.entries())) {
                    if (!e.isDirectory() && e.getName().startsWith(prefix) && isImage(e.getName())
                            && e.getName().indexOf('/', prefix.length()) < 0) {
                        entries.add(e);
                    }
                }
                if (entries.isEmpty()) throw new ConfigException(zip + ": no images under " + prefix + " (task '" + task + "')");
                entries.sort((a, b) -> a.getName().compareTo(b.getName()));
                if (perClass > 0 && entries.size() > perClass) entries = entries.subList(0, perClass);
                for (ZipEntry e : entries) {
                    byte[] data;
                    try (var in = zf.getInputStream(e)) {
                        data = in.readAllBytes();
                    }
                    String source = zip.getFileName() + "!" + e.getName();
                    out.add(new LabelledImage(ImageFiles.decode(data, source), label, source));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + zip, e);
        }
        return new ImageDataset(task, zip, layout.classes(), split, out);
    }

    /**
     * Every image file under {@code dir} (JPEG, PNG, PPM; any depth), in path order, at most {@code limit} (0 = all):
     * a user's own unlabelled images (purify {@code --aux-images DIR --aux-labels self}). One class, "unlabelled",
     * label 0 for all; {@link #archive} is the folder (provenance checksums it file by file).
     */
    public static ImageDataset unlabelled(Path dir, int limit) {
        if (!Files.isDirectory(dir)) throw new ConfigException(dir + ": not a folder of images");
        if (limit < 0) throw new ConfigException("images must be >= 0, was " + limit);
        List<Path> files;
        try (var walk = Files.walk(dir)) {
            files = walk.filter(f -> Files.isRegularFile(f) && isImage(f.getFileName().toString())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        if (files.isEmpty()) throw new ConfigException(dir + ": no image files (.jpg, .jpeg, .png, .ppm) in it or below it");
        if (limit > 0 && files.size() > limit) files = files.subList(0, limit);
        List<LabelledImage> out = new ArrayList<>();
        for (Path f : files) out.add(new LabelledImage(ImageFiles.read(f), 0, f.toString()));
        return new ImageDataset(dir.toString(), dir, List.of("unlabelled"), "all", out);
    }

    /** A {@link FolderLayout} task: the labels file's rows, class by class (ascending id), each in file-name order. */
    private static ImageDataset loadFolder(String task, FolderLayout layout, String split, Path dataRoot, int perClass) {
        if (!split.equals(layout.split())) {
            throw new ConfigException("image task '" + task + "' has only the split '" + layout.split() + "', not '" + split + "'");
        }
        Path dir = dataRoot.resolve(layout.folder());
        Path labels = dir.resolve(layout.labels());
        if (!Files.isRegularFile(labels)) throw new ConfigException(labels + ": file not found (image task '" + task + "')");
        TreeMap<Integer, List<String>> byClass = new TreeMap<>();
        try {
            List<String> lines = Files.readAllLines(labels);
            if (lines.isEmpty() || !lines.get(0).startsWith("Filename;") || !lines.get(0).endsWith(";ClassId")) {
                throw new ConfigException(labels + " line 1: expected the header 'Filename;...;ClassId'");
            }
            for (int i = 1; i < lines.size(); i++) {
                if (lines.get(i).isBlank()) continue;
                String[] f = lines.get(i).split(";");
                int id;
                try {
                    id = Integer.parseInt(f[f.length - 1].trim());
                } catch (NumberFormatException e) {
                    throw new ConfigException(labels + " line " + (i + 1) + ": ClassId '" + f[f.length - 1] + "' is not an integer");
                }
                if (!layout.excluded().contains(id)) byClass.computeIfAbsent(id, k -> new ArrayList<>()).add(f[0].trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + labels, e);
        }
        List<String> classes = new ArrayList<>();
        List<LabelledImage> out = new ArrayList<>();
        for (Map.Entry<Integer, List<String>> c : byClass.entrySet()) {
            List<String> files = new ArrayList<>(c.getValue());
            Collections.sort(files);
            if (perClass > 0 && files.size() > perClass) files = files.subList(0, perClass);
            for (String name : files) {
                Path file = dir.resolve("Images").resolve(name);
                out.add(new LabelledImage(ImageFiles.read(file), classes.size(), file.toString()));
            }
            classes.add(String.format("%05d", c.getKey()));
        }
        if (out.isEmpty()) throw new ConfigException(labels + ": no images (task '" + task + "')");
        return new ImageDataset(task, labels, classes, split, out);
    }

    private static boolean isImage(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".png") || n.endsWith(".ppm");
    }

    /** Examples per label, index = label. */
    public int[] countsPerClass() {
        int[] n = new int[classes.size()];
        for (LabelledImage i : images) n[i.label()]++;
        return n;
    }
}
