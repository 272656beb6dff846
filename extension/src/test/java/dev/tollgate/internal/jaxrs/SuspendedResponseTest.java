package dev.tollgate.internal.jaxrs;

import jakarta.ws.rs.ServiceUnavailableException;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.TimeoutHandler;
import jakarta.ws.rs.core.Response;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SuspendedResponseTest {

    /** The runtime's response: keeps its timeout handler and what it was resumed with. */
    private static final class RuntimeResponse {
        TimeoutHandler timeoutHandler;
        final List<Object> resumedWith = new ArrayList<>();

        AsyncResponse proxy() {
            return (AsyncResponse) Proxy.newProxyInstance(AsyncResponse.class.getClassLoader(),
                    new Class<?>[] {AsyncResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "setTimeoutHandler" -> {
                            timeoutHandler = (TimeoutHandler) args[0];
                            yield null;
                        }
                        case "resume" -> resumedWith.add(args[0]);
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        void timeOut(AsyncResponse runtime) {
            timeoutHandler.handleTimeout(runtime);
        }
    }

    @Test
    void aTimeoutWithoutAHandlerIsA503FailureTheGuardsHearOf() {
        RuntimeResponse runtime = new RuntimeResponse();
        AsyncResponse proxy = runtime.proxy();
        SuspendedResponse watched = SuspendedResponse.watch(proxy);
        List<Throwable> failures = new ArrayList<>();
        watched.onFailure(failures::add);

        runtime.timeOut(proxy);

        assertThat(failures).singleElement().isInstanceOf(ServiceUnavailableException.class);
        assertThat(runtime.resumedWith).containsExactly(failures.get(0));
    }

    @Test
    void aTimeoutGoesToTheMethodsHandlerWhichAnswersThroughTheWatchedResponse() {
        RuntimeResponse runtime = new RuntimeResponse();
        AsyncResponse proxy = runtime.proxy();
        SuspendedResponse watched = SuspendedResponse.watch(proxy);
        List<Throwable> failures = new ArrayList<>();
        watched.onFailure(failures::add);
        List<AsyncResponse> handedTo = new ArrayList<>();
        Response accepted = Response.accepted().build();
        watched.setTimeoutHandler(response -> {
            handedTo.add(response);
            response.resume(accepted);
        });

        runtime.timeOut(proxy);

        assertThat(handedTo).containsExactly(watched);
        assertThat(failures).isEmpty();
        assertThat(runtime.resumedWith).containsExactly(accepted);
    }

    @Test
    void theEndListenersHearOfTheEndOnceBeforeTheResponseIsResumed() {
        RuntimeResponse runtime = new RuntimeResponse();
        AsyncResponse proxy = runtime.proxy();
        SuspendedResponse watched = SuspendedResponse.watch(proxy);
        List<Integer> resumedBeforeEnd = new ArrayList<>();
        watched.onEnd(() -> resumedBeforeEnd.add(runtime.resumedWith.size()));

        watched.resume("first");
        watched.resume(new IllegalStateException("second"));

        assertThat(resumedBeforeEnd).containsExactly(0);
        assertThat(runtime.resumedWith).hasSize(2);
    }

    @Test
    void aTimeoutEndsTheResponseToo() {
        RuntimeResponse runtime = new RuntimeResponse();
        AsyncResponse proxy = runtime.proxy();
        SuspendedResponse watched = SuspendedResponse.watch(proxy);
        List<String> ended = new ArrayList<>();
        watched.onEnd(() -> ended.add("ended"));

        runtime.timeOut(proxy);

        assertThat(ended).containsExactly("ended");
    }
}
