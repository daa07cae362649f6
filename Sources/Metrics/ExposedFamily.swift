/// What the registry needs of a family to render it. Implemented by the three family classes.
protocol ExposedFamily: AnyObject, Sendable {
    var name: String { get }
    /// Every name the family puts in an exposition: its OpenMetrics metadata name and its
    /// sample names (`x_total`, or `x_bucket`/`x_sum`/`x_count`). No two families may share one.
    var exposedNames: [String] { get }
    /// True when the family currently has no series.
    var isEmpty: Bool { get }
    /// Appends the family (metadata lines, then samples sorted by label values).
    func encode(into buffer: inout ByteBuffer, format: ExpositionFormat)
}

/// A family's `# HELP` and `# TYPE` lines, encoded once at registration for each format.
struct FamilyHeader: Sendable {
    let text: [UInt8]
    let openMetrics: [UInt8]

    /// `metadataName` is the OpenMetrics family name (a counter's name without `_total`).
    init(name: String, metadataName: String, help: String, type: StaticString) {
        var text = ByteBuffer(reservingCapacity: 64 + help.utf8.count)
        text.append("# HELP ")
        text.append(string: name)
        text.append(UInt8(ascii: " "))
        text.append(escapedHelp: help, escapeQuotes: false)
        text.append("\n# TYPE ")
        text.append(string: name)
        text.append(UInt8(ascii: " "))
        text.append(type)
        text.append(UInt8(ascii: "\n"))
        self.text = text.bytes

        var om = ByteBuffer(reservingCapacity: 64 + help.utf8.count)
        om.append("# HELP ")
        om.append(string: metadataName)
        om.append(UInt8(ascii: " "))
        om.append(escapedHelp: help, escapeQuotes: true)
        om.append("\n# TYPE ")
        om.append(string: metadataName)
        om.append(UInt8(ascii: " "))
        om.append(type)
        om.append(UInt8(ascii: "\n"))
        self.openMetrics = om.bytes
    }

    func bytes(for format: ExpositionFormat) -> [UInt8] {
        format == .openMetrics ? openMetrics : text
    }
}
