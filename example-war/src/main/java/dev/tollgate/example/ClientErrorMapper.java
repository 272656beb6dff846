package dev.tollgate.example;

import jakarta.ws.rs.ClientErrorException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * The 4xx answers JAX-RS gives by itself (an unsupported media type, an unknown path, a wrong method) as problem
 * details rather than the server's HTML error page. An exception that carries its own response keeps it.
 */
@Provider
public class ClientErrorMapper implements ExceptionMapper<ClientErrorException> {

    @Override
    public Response toResponse(ClientErrorException exception) {
        Response response = exception.getResponse();
        if (response.hasEntity()) {
            return response;
        }
        return Problems.response(response.getStatusInfo(), null);
    }
}
