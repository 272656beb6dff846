package dev.tollgate.example;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.ext.Provider;
import jakarta.ws.rs.ext.ReaderInterceptor;
import jakarta.ws.rs.ext.ReaderInterceptorContext;

import java.io.IOException;

/**
 * {@code 400} for a request body the entity provider cannot read: malformed JSON, or JSON nested deeper than the
 * parser allows. Providers fail in their own ways (a {@code JsonException}, a plain {@code RuntimeException} from
 * Parsson's depth limit, a wrapped one on RESTEasy); all of them mean the body is unusable, and none of their
 * messages is sent, since they quote the input and name the parser's classes.
 */
@Provider
public class UnreadableBodyInterceptor implements ReaderInterceptor {

    @Override
    public Object aroundReadFrom(ReaderInterceptorContext context) throws IOException {
        try {
            return context.proceed();
        } catch (WebApplicationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw Problems.badRequest("the body must be well-formed JSON");
        }
    }
}
