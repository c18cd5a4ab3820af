package hast.compress.lzf;

import java.io.IOException;

/**
 * Walks the tokens of a raw LZF block without producing any output, and either proves that
 * decoding it yields exactly the expected number of bytes or names the first token that does
 * not: a literal run past the end of the input, a back-reference before the start of the output,
 * a token that overruns the expected length, a missing byte, or data after the last token.
 *
 * <p>Token format (liblzf): a control byte {@code c}; {@code c < 32} is a run of {@code c + 1}
 * literal bytes; otherwise {@code c >>> 5} is the match length minus 2 (7 means a length byte
 * follows and is added) and {@code (c & 0x1f) << 8} plus the next byte, plus one, is the distance
 * back from the current output position.
 */
final class LzfBlockValidator {
    /** A literal run of 32 bytes costs 33 input bytes; a match of 264 bytes costs 3: the most output one input byte can yield is 88. */
    static final int MAX_EXPANSION = 88;

    private LzfBlockValidator() {
    }

    /** Throws when {@code in[start, end)} is not a raw LZF block of exactly {@code expected} bytes. */
    static void check(byte[] in, int start, int end, int expected) throws IOException {
        int ip = start;
        int op = 0;
        while (op < expected) {
            if (ip >= end) {
                throw corrupt("truncated: the input ends after " + op + " bytes of output (expected: " + expected + ")");
            }
            int token = ip - start;
            int control = in[ip++] & 0xff;
            if (control < 32) {
                int run = control + 1;
                if (end - ip < run) {
                    throw corrupt("truncated: literal run of " + run + " bytes at input offset " + token
                            + " needs more input than the " + (end - start) + " bytes given");
                }
                if (expected - op < run) {
                    throw overrun("literal run of " + run, token, op, expected);
                }
                ip += run;
                op += run;
                continue;
            }
            int length = control >>> 5;
            if (length == 7) {
                if (ip >= end) {
                    throw corrupt("truncated: back-reference at input offset " + token + " lacks its length byte");
                }
                length += in[ip++] & 0xff;
            }
            if (ip >= end) {
                throw corrupt("truncated: back-reference at input offset " + token + " lacks its offset byte");
            }
            int distance = ((control & 0x1f) << 8) + (in[ip++] & 0xff) + 1;
            if (distance > op) {
                throw corrupt("back-reference at input offset " + token + " reaches " + distance
                        + " bytes back from output offset " + op + ", before the start of the block");
            }
            int copy = length + 2;
            if (expected - op < copy) {
                throw overrun("back-reference of " + copy, token, op, expected);
            }
            op += copy;
        }
        if (ip != end) {
            throw corrupt((end - ip) + " bytes of trailing data after the token that completes the "
                    + expected + " bytes of output, at input offset " + (ip - start));
        }
    }

    private static IOException overrun(String what, int token, int op, int expected) {
        return corrupt(what + " bytes at input offset " + token + " runs past the end of the output (output offset "
                + op + ", expected length: " + expected + ")");
    }

    private static IOException corrupt(String problem) {
        return new IOException("lzf: corrupt block: " + problem);
    }
}
