package hast.engine.replication;

import java.io.IOException;

import hast.engine.codec.CodecSet;

/** The primary's side of the handshake, and what its link tells of the connection's life. */
public interface Pairing {
    /**
     * What to tell the secondary about this copy (a fresh resuid when never paired).
     *
     * @param decodable the codecs this node decodes, for the secondary's read replies
     */
    Greeting.Hello hello(CodecSet decodable) throws IOException;

    /** The secondary accepted: adopt counters, merge its activemap; false refuses the pairing. */
    boolean paired(Greeting.Welcome welcome) throws IOException;

    void connected();

    void disconnected();

    /** The secondary refused; {@code splitBrain} when that is why. */
    void refused(String message, boolean splitBrain);

    /**
     * The nodes speak no protocol version in common ({@code here}: this node's versions,
     * {@code peer}: the secondary's); {@code message} is the secondary's refusal.
     */
    void noCommonVersion(ProtocolRange here, ProtocolRange peer, String message);

    /**
     * Whether the last refusal waits for an operator (a split-brain, a failed authentication)
     * rather than for the peer's own next step (such as its role): the link then tries less often.
     */
    boolean awaitsOperator();

    /**
     * Authentication failed, here or at the secondary: {@code code} names why for hooks (see
     * {@link Authentication.Failed#code()}), {@code message} says it.
     */
    void authenticationFailed(String code, String message);
}
