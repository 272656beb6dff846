import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import java.util.function.ToLongFunction;

/** Interleaves short slices of every subject, many cycles, one JVM: medians per subject and of per-cycle ratios. */
public class Interleaved {
    record Subject(String name, ToLongFunction<AtomicBoolean> run) {}

    static ClassLoader loader(String dir) throws Exception {
        List<URL> urls = new ArrayList<>();
        urls.add(Paths.get(dir, "classes").toUri().toURL());
        try (var s = Files.list(Paths.get(dir, "lib"))) { for (Path p : (Iterable<Path>) s::iterator) urls.add(p.toUri().toURL()); }
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    @SuppressWarnings("unchecked")
    static ToLongFunction<AtomicBoolean> make(ClassLoader l, String c, int keys) throws Exception {
        return (ToLongFunction<AtomicBoolean>) l.loadClass("dev.tollgate.benchmarks.InterleavedProbe")
                .getMethod("make", String.class, int.class).invoke(null, c, keys);
    }

    public static void main(String[] a) throws Exception {
        int threads = Integer.parseInt(a[0]), keys = Integer.parseInt(a[1]), cycles = Integer.parseInt(a[2]);
        long sliceMs = Long.parseLong(a[3]);
        ClassLoader before = loader("/tmp/lf2-before"), after = loader("/tmp/lf2-after");
        List<Subject> subjects = new ArrayList<>();
        for (String c : List.of("tollgate-fixed", "tollgate-bucket", "tollgate-gcra")) {
            subjects.add(new Subject("before " + c, make(before, c, keys)));
            subjects.add(new Subject("after " + c, make(after, c, keys)));
        }
        subjects.add(new Subject("bucket4j", make(after, "bucket4j", keys)));
        subjects.add(new Subject("resilience4j", make(after, "resilience4j", keys)));
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        int warm = Math.max(2, cycles / 5);
        for (int cycle = 0; cycle < cycles + warm; cycle++) {
            List<Subject> order = new ArrayList<>(subjects);
            Collections.shuffle(order, new Random(cycle));
            for (Subject s : order) {
                AtomicBoolean stop = new AtomicBoolean();
                List<Future<Long>> fs = new ArrayList<>();
                for (int t = 0; t < threads; t++) fs.add(pool.submit(() -> s.run().applyAsLong(stop)));
                long t0 = System.nanoTime();
                Thread.sleep(sliceMs);
                stop.set(true);
                long ops = 0;
                for (Future<Long> f : fs) ops += f.get();
                double secs = (System.nanoTime() - t0) / 1e9;
                if (cycle >= warm) rates.computeIfAbsent(s.name(), k -> new ArrayList<>()).add(ops / secs);
            }
        }
        pool.shutdown();
        System.out.printf("threads=%d keys=%d cycles=%d slice=%dms load=%s%n", threads, keys, cycles, sliceMs,
                Files.readString(Paths.get("/proc/loadavg")).trim());
        for (var e : rates.entrySet()) {
            String n = e.getKey();
            StringBuilder sb = new StringBuilder(String.format("%-24s %8.2f M/s", n, median(e.getValue()) / 1e6));
            if (n.contains("tollgate")) {
                for (String peer : List.of("bucket4j", "resilience4j")) {
                    List<Double> r = new ArrayList<>();
                    for (int i = 0; i < e.getValue().size(); i++) r.add(e.getValue().get(i) / rates.get(peer).get(i));
                    sb.append(String.format("  /%s %.2f", peer, median(r)));
                }
            }
            System.out.println(sb);
        }
        System.exit(0);
    }

    static double median(List<Double> v) { List<Double> s = new ArrayList<>(v); Collections.sort(s); int n = s.size(); return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2; }
}
