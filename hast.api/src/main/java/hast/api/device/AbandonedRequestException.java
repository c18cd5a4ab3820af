package hast.api.device;

import java.io.IOException;

/**
 * A request of a {@link HastDevice} answered with an error while the device is still carrying it
 * out: its disk stopped answering and the client must not wait for it any longer. Unlike any other
 * completion, this one does not hand the request's buffer back: the disk may still read or fill it
 * when it wakes up, so the caller must not reuse it for another request (dropping it is safe).
 *
 * @since 1.2
 */
public class AbandonedRequestException extends IOException {
    private static final long serialVersionUID = 1L;

    public AbandonedRequestException(String message) {
        super(message);
    }
}
