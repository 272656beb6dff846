package dev.tollgate.example.it.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Many HTTP requests sent at once: one thread per request, each sending once every thread is ready (a
 * {@link CountDownLatch}), over HTTP/1.1 (one connection per request). Every wait is bounded, generously: this
 * measures what the server answers, never how fast.
 */
public final class Burst {

    private Burst() {
    }

    /** What one request got: its response, or why it got none. */
    public record Answer(HttpRequest request, HttpResponse<String> response, String failure) {

        /** The status code, or -1 for no response. */
        public int status() {
            return response == null ? -1 : response.statusCode();
        }

        public String path() {
            return request.uri().getPath();
        }

        @Override
        public String toString() {
            return response == null ? path() + " -> no answer: " + failure
                    : path() + " -> " + response.statusCode() + " " + response.headers().map() + " " + response.body();
        }
    }

    /** All the answers of a burst, in the order of the requests. */
    public record Answers(List<Answer> all) {

        /** The answers to requests whose path ends with {@code pathEnd}. */
        public List<Answer> to(String pathEnd) {
            return select(answer -> answer.path().endsWith(pathEnd));
        }

        public List<Answer> select(Predicate<Answer> filter) {
            return all.stream().filter(filter).toList();
        }

        /** Status -> count, over the answers to {@code pathEnd}; -1 counts requests that got no answer. */
        public Map<Integer, Long> statuses(String pathEnd) {
            return statuses(to(pathEnd));
        }

        public static Map<Integer, Long> statuses(List<Answer> answers) {
            Map<Integer, Long> statuses = new TreeMap<>();
            for (Answer answer : answers) {
                statuses.merge(answer.status(), 1L, Long::sum);
            }
            return statuses;
        }
    }

    /** Sends every request at the same moment and waits for all the answers. */
    public static Answers send(List<HttpRequest> requests) throws InterruptedException {
        int callers = requests.size();
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30))
                .build();
        CountDownLatch ready = new CountDownLatch(callers);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(callers);
        try {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>(callers);
            for (HttpRequest request : requests) {
                futures.add(threads.submit(() -> {
                    ready.countDown();
                    if (!go.await(60, TimeUnit.SECONDS)) {
                        throw new TimeoutException("not released");
                    }
                    return client.send(request, HttpResponse.BodyHandlers.ofString());
                }));
            }
            if (!ready.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("Only " + (callers - ready.getCount()) + " of " + callers
                        + " callers got ready within 60 s");
            }
            go.countDown();
            List<Answer> answers = new ArrayList<>(callers);
            for (int i = 0; i < callers; i++) {
                HttpRequest request = requests.get(i);
                try {
                    answers.add(new Answer(request, futures.get(i).get(120, TimeUnit.SECONDS), null));
                } catch (ExecutionException e) {
                    answers.add(new Answer(request, null, String.valueOf(e.getCause())));
                } catch (TimeoutException e) {
                    answers.add(new Answer(request, null, "no answer within 120 s"));
                }
            }
            return new Answers(List.copyOf(answers));
        } finally {
            threads.shutdownNow();
        }
    }

    /** A GET with a generous timeout. */
    public static HttpRequest get(URI uri, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET();
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return builder.build();
    }
}
