package dev.tollgate.internal.call;

import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResultShapeTest {

    @SuppressWarnings("unused")
    interface Shapes {
        String plain();

        void nothing();

        CompletionStage<List<String>> stage();

        CompletableFuture<? extends Number> bounded();

        CompletableFuture<Void> stageOfNothing();

        void suspended(String id, @Suspended AsyncResponse response);

        Future<String> future();

        CompletableFuture<String> ejbStage();

        java.util.concurrent.Flow.Publisher<String> flow();

        org.reactivestreams.Publisher<String> reactiveStreams();

        reactor.core.publisher.Mono<String> mono();

        reactor.core.publisher.Flux<String> flux();

        io.smallrye.mutiny.Uni<String> uni();

        io.smallrye.mutiny.Multi<String> multi();

        io.reactivex.rxjava3.core.Single<String> single();

        io.reactivex.rxjava3.core.Flowable<String> flowable();
    }

    private static ResultShape shape(String name, boolean ejbAsynchronous) {
        for (Method method : Shapes.class.getDeclaredMethods()) {
            if (method.getName().equals(name)) {
                return ResultShape.of(method, ejbAsynchronous);
            }
        }
        throw new AssertionError(name);
    }

    @Test
    void aReturnedValueIsTheReturnType() {
        assertThat(shape("plain", false)).isEqualTo(new ResultShape(ResultShape.Kind.RETURNED, String.class, -1));
        assertThat(shape("nothing", false).nothing()).isTrue();
        assertThat(shape("plain", false).later()).isFalse();
    }

    @Test
    void aStagesValueIsItsTypeArgument() {
        ResultShape stage = shape("stage", false);
        assertThat(stage.kind()).isEqualTo(ResultShape.Kind.STAGE);
        assertThat(stage.later()).isTrue();
        assertThat(stage.valueType()).isInstanceOf(ParameterizedType.class);
        assertThat(((ParameterizedType) stage.valueType()).getRawType()).isEqualTo(List.class);
        assertThat(shape("bounded", false).valueType()).isEqualTo(Number.class);
        assertThat(shape("stageOfNothing", false).nothing()).isTrue();
    }

    @Test
    void aSuspendedResponseIsFoundByItsParameter() {
        ResultShape suspended = shape("suspended", false);
        assertThat(suspended.kind()).isEqualTo(ResultShape.Kind.SUSPENDED);
        assertThat(suspended.suspendedParameter()).isEqualTo(1);
        assertThat(suspended.later()).isTrue();
    }

    @Test
    void anEjbAsynchronousMethodsFuturesAreFollowedOnTheContainersThread() {
        assertThat(shape("future", true)).isEqualTo(new ResultShape(ResultShape.Kind.FUTURE, String.class, -1));
        assertThat(shape("ejbStage", true).kind()).isEqualTo(ResultShape.Kind.FUTURE);
        assertThat(shape("future", true).later()).isFalse();
        assertThatThrownBy(() -> shape("future", false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.util.concurrent.Future<java.lang.String>");
    }

    /** The libraries are on the test class path through Redisson; Tollgate recognises their types by name. */
    @Test
    void reactiveTypesAreRefusedWhateverTheLibrary() {
        for (String name : List.of("flow", "reactiveStreams", "mono", "flux", "uni", "multi", "single", "flowable")) {
            assertThatThrownBy(() -> shape(name, false)).as(name).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("a reactive type");
        }
    }
}
