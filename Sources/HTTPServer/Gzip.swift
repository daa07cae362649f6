import CZlib

/// Why `Gzip.decompress` failed.
public enum GzipError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The input is not valid gzip/zlib data (zlib's message).
    case corrupt(String)
    /// The input ends before the compressed stream does.
    case truncated
    /// The output would exceed the caller's limit (a decompression bomb).
    case tooLarge(limit: Int)

    public var description: String {
        switch self {
        case .corrupt(let message): return "gzip: corrupt data: \(message)"
        case .truncated: return "gzip: unexpected end of data"
        case .tooLarge(let limit): return "gzip: decompressed data exceeds \(limit) bytes"
        }
    }
}

/// gzip (RFC 1952) over zlib. The only Swift file that touches zlib's pointers.
/// Stateless; safe from any thread.
public enum Gzip {
    private static let chunk = 64 * 1024

    /// Compresses `data` into one gzip member at `level` (0...9, or -1 for zlib's default).
    public static func compress(_ data: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        let initResult = gw_deflate_init_gzip(&stream, min(max(level, -1), 9))
        precondition(initResult == Z_OK, "deflateInit2 failed: \(initResult)")  // only on out of memory
        defer { deflateEnd(&stream) }
        var output = [UInt8]()
        output.reserveCapacity(Int(deflateBound(&stream, uLong(data.count))))
        var buffer = [UInt8](repeating: 0, count: chunk)
        data.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            stream.avail_in = uInt(input.count)
            var result: Int32 = Z_OK
            repeat {
                buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    result = deflate(&stream, Z_FINISH)
                    output.append(contentsOf: out[0..<(out.count - Int(stream.avail_out))])
                }
            } while result == Z_OK || result == Z_BUF_ERROR && stream.avail_out == 0
            stream.next_in = nil
            stream.next_out = nil
        }
        return output
    }

    /// Decompresses gzip (or zlib) `data`, including concatenated gzip members.
    /// Throws `GzipError` on corrupt or truncated input, or when the output exceeds `maxOutputBytes`.
    public static func decompress(_ data: [UInt8], maxOutputBytes: Int = 256 << 20) throws(GzipError) -> [UInt8] {
        var output = [UInt8]()
        var offset = 0
        repeat {
            offset += try inflateMember(data, from: offset, into: &output, limit: maxOutputBytes)
        } while offset < data.count && data[offset] == 0x1f  // another gzip member follows
        return output
    }

    /// Inflates one stream starting at `from`; returns the number of input bytes consumed.
    private static func inflateMember(_ data: [UInt8], from start: Int, into output: inout [UInt8],
                                      limit: Int) throws(GzipError) -> Int {
        var stream = z_stream()
        guard gw_inflate_init_auto(&stream) == Z_OK else { throw .corrupt("inflateInit2 failed") }
        defer { inflateEnd(&stream) }
        var buffer = [UInt8](repeating: 0, count: chunk)
        var failure: GzipError?
        var consumed = 0
        data.withUnsafeBufferPointer { input in
            stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + start })
            stream.avail_in = uInt(input.count - start)
            while true {
                var result: Int32 = Z_OK
                buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(out.count)
                    result = inflate(&stream, Z_NO_FLUSH)
                    output.append(contentsOf: out[0..<(out.count - Int(stream.avail_out))])
                }
                if output.count > limit { failure = .tooLarge(limit: limit); break }
                if result == Z_STREAM_END { break }
                if result == Z_OK { continue }
                if result == Z_BUF_ERROR {
                    if stream.avail_in == 0 { failure = .truncated; break }
                    continue
                }
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(result)"
                failure = .corrupt(message)
                break
            }
            consumed = input.count - start - Int(stream.avail_in)
            stream.next_in = nil
            stream.next_out = nil
        }
        if let failure { throw failure }
        return consumed
    }
}
