package hast.compress.lzf;

/**
 * A plain transcription of liblzf's lzf_decompress, written for the tests only, to check the
 * encoder's output against a decoder that is not the library's.
 */
final class ReferenceLzf {
    private ReferenceLzf() {
    }

    /** Decodes a well-formed raw block; throws IllegalArgumentException on anything else. */
    static byte[] decode(byte[] in, int originalLength) {
        byte[] out = new byte[originalLength];
        int ip = 0;
        int op = 0;
        while (ip < in.length) {
            int ctrl = in[ip++] & 0xff;
            if (ctrl < 32) {
                ctrl++;
                require(op + ctrl <= out.length && ip + ctrl <= in.length);
                System.arraycopy(in, ip, out, op, ctrl);
                ip += ctrl;
                op += ctrl;
            } else {
                int len = ctrl >> 5;
                int ref = op - ((ctrl & 0x1f) << 8) - 1;
                if (len == 7) {
                    require(ip < in.length);
                    len += in[ip++] & 0xff;
                }
                require(ip < in.length);
                ref -= in[ip++] & 0xff;
                len += 2;
                require(ref >= 0 && op + len <= out.length);
                for (int i = 0; i < len; i++) {
                    out[op++] = out[ref++];
                }
            }
        }
        require(op == out.length);
        return out;
    }

    private static void require(boolean ok) {
        if (!ok) {
            throw new IllegalArgumentException("not a valid raw LZF block");
        }
    }
}
