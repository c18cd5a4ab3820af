package hast.engine.codec;

/** The compression and checksum a resource's configuration asks for. */
public record CodecChoice(String compression, String checksum) {
}
