package dev.tollgate.internal.cdi;

import dev.tollgate.IdempotencyKey;
import dev.tollgate.Idempotent;
import dev.tollgate.RateLimit;
import dev.tollgate.RateLimitExceededException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import org.junit.jupiter.api.Test;

import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Result types the guards cannot follow to their end fail the deployment, naming the method and the type; an EJB
 * {@code @Asynchronous} method's {@code Future} is followed (in Weld SE the annotation is only read, as Tollgate
 * reads it: the interceptors run on the thread that calls the method, as they do on the container's thread).
 */
class AsyncDeploymentTest {

    /** A stage type of the application's own, which Tollgate cannot build for a refusal or a replay. */
    public static class Eventually<T> extends CompletableFuture<T> {
    }

    @ApplicationScoped
    public static class Broken {
        @RateLimit(limit = 5)
        public Future<String> plainFuture() {
            return CompletableFuture.completedFuture("x");
        }

        @RateLimit(limit = 5)
        public Flow.Publisher<String> publisher() {
            return subscriber -> { };
        }

        @Idempotent
        @SuppressWarnings("rawtypes")
        public CompletionStage raw(@IdempotencyKey String key) {
            return CompletableFuture.completedFuture("x");
        }

        @RateLimit(limit = 5)
        public Eventually<String> ownStage() {
            return new Eventually<>();
        }

        @RateLimit(limit = 5)
        public String suspendedButReturns(@Suspended AsyncResponse response) {
            return "x";
        }

        @jakarta.enterprise.concurrent.Asynchronous
        @Idempotent
        public void fireAndForget(@IdempotencyKey String key) {
        }

        @jakarta.ejb.Asynchronous
        @RateLimit(limit = 5, key = "header:X-User")
        public Future<String> perUser() {
            return CompletableFuture.completedFuture("x");
        }
    }

    private static final String BROKEN = Broken.class.getName();

    @Test
    void everyResultTheGuardsCannotFollowIsReportedNamingTheMethodAndTheType() {
        assertThatThrownBy(() -> TollgateContainer.start(Map.of(), Broken.class).close())
                .hasRootCauseInstanceOf(DeploymentException.class)
                .rootCause()
                .hasMessageContaining("Tollgate found 7 invalid settings:")
                .hasMessageContaining("Invalid @RateLimit on " + BROKEN + "#plainFuture(): it returns"
                        + " java.util.concurrent.Future<java.lang.String>, whose completion Tollgate cannot follow")
                .hasMessageContaining("Invalid @RateLimit on " + BROKEN + "#publisher(): it returns"
                        + " java.util.concurrent.Flow$Publisher<java.lang.String>, a reactive type")
                .hasMessageContaining("Invalid @Idempotent on " + BROKEN + "#raw(String): it returns"
                        + " java.util.concurrent.CompletionStage without a type argument")
                .hasMessageContaining("Invalid @RateLimit on " + BROKEN + "#ownStage(): it returns "
                        + Eventually.class.getName() + "<java.lang.String>, a stage type of its own")
                .hasMessageContaining("Invalid @RateLimit on " + BROKEN + "#suspendedButReturns(AsyncResponse):"
                        + " it takes a @Suspended AsyncResponse but returns java.lang.String")
                .hasMessageContaining("Invalid @Idempotent on " + BROKEN + "#fireAndForget(String): an"
                        + " @Asynchronous method returning void")
                .hasMessageContaining("Invalid @RateLimit on " + BROKEN + "#perUser(): key 'header:X-User' reads"
                        + " the HTTP request, which an EJB @Asynchronous method never sees");
    }

    @ApplicationScoped
    public static class Mailer {
        final AtomicInteger runs = new AtomicInteger();

        int runs() {
            return runs.get();
        }

        @jakarta.ejb.Asynchronous
        @RateLimit(limit = 2, window = 1, windowUnit = ChronoUnit.HOURS, key = "param:to")
        public Future<String> send(String to) {
            runs.incrementAndGet();
            return CompletableFuture.completedFuture("sent to " + to);
        }

        @jakarta.ejb.Asynchronous
        @Idempotent
        public Future<List<String>> batch(@IdempotencyKey String key) {
            int run = runs.incrementAndGet();
            // What EJB methods usually return: a plain future that is done (AsyncResult is one).
            FutureTask<List<String>> done = new FutureTask<>(() -> List.of(key, "run " + run));
            done.run();
            return done;
        }
    }

    @Test
    void anEjbAsynchronousMethodsFutureIsFollowed() throws Exception {
        try (var container = TollgateContainer.start(Map.of(), Mailer.class)) {
            Mailer mailer = container.bean(Mailer.class);
            assertThat(mailer.send("alice").get()).isEqualTo("sent to alice");
            assertThat(mailer.send("alice").get()).isEqualTo("sent to alice");
            // On the container's thread a refusal is thrown; the container fails the caller's future with it.
            assertThatThrownBy(() -> mailer.send("alice")).isInstanceOf(RateLimitExceededException.class);
            assertThat(mailer.send("bob").get()).isEqualTo("sent to bob");

            List<String> first = mailer.batch("b-1").get(10, TimeUnit.SECONDS);
            Future<List<String>> replay = mailer.batch("b-1");
            assertThat(replay.isDone()).isTrue();
            assertThat(replay.get()).isEqualTo(first).containsExactly("b-1", "run 4");
            assertThat(mailer.runs()).isEqualTo(4);
        }
    }
}
