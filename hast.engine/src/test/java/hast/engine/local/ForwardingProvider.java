package hast.engine.local;

import java.io.IOException;
import java.nio.ByteBuffer;

import hast.api.storage.LocalProvider;

/** A provider that passes every call to a real one; tests override what they watch or hold up. */
public class ForwardingProvider implements LocalProvider {
    protected final LocalProvider target;

    public ForwardingProvider(LocalProvider target) {
        this.target = target;
    }

    @Override
    public String path() {
        return target.path();
    }

    @Override
    public long size() throws IOException {
        return target.size();
    }

    @Override
    public int sectorSize() {
        return target.sectorSize();
    }

    @Override
    public void read(ByteBuffer dst, long offset) throws IOException {
        target.read(dst, offset);
    }

    @Override
    public void write(ByteBuffer src, long offset) throws IOException {
        target.write(src, offset);
    }

    @Override
    public void writeDurably(ByteBuffer src, long offset) throws IOException {
        target.writeDurably(src, offset);
    }

    @Override
    public void flush() throws IOException {
        target.flush();
    }

    @Override
    public long nextData(long offset) throws IOException {
        return target.nextData(offset);
    }

    @Override
    public long nextHole(long offset) throws IOException {
        return target.nextHole(offset);
    }

    @Override
    public void delete(long offset, long length) throws IOException {
        target.delete(offset, length);
    }

    @Override
    public void close() throws IOException {
        target.close();
    }
}
