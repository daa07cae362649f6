/// One thing wrong with a configuration: where it is (YAML path such as `probes[2].interval`,
/// and the 1-based line when known) and what is wrong. Messages never contain an API key.
public struct ConfigProblem: Sendable, Hashable, CustomStringConvertible {
    /// The YAML path (`targets[0].base_url`); empty for a problem with the whole file.
    public var path: String
    /// The 1-based line in the file, when known.
    public var line: Int?
    public var message: String

    public init(path: String, line: Int? = nil, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    /// `FILE:LINE: PATH: MESSAGE`; the `:LINE` and `PATH: ` parts are left out when unknown or empty.
    public func rendered(file: String) -> String {
        var out = file
        if let line { out += ":\(line)" }
        out += ": "
        if !path.isEmpty { out += "\(path): " }
        return out + message
    }

    /// `LINE: PATH: MESSAGE` without a file name.
    public var description: String {
        var parts: [String] = []
        if let line { parts.append("line \(line)") }
        if !path.isEmpty { parts.append(path) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }
}

/// Every problem found in one configuration file (never just the first), in file order.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file name the problems refer to, as given to the loader.
    public var file: String
    /// At least one problem, sorted by line (problems without a line last), then as found.
    public var problems: [ConfigProblem]

    public init(file: String, problems: [ConfigProblem]) {
        self.file = file
        self.problems = problems.enumerated().sorted { a, b in
            let la = a.element.line ?? Int.max, lb = b.element.line ?? Int.max
            return la != lb ? la < lb : a.offset < b.offset
        }.map(\.element)
    }

    /// One rendered line per problem: `FILE:LINE: PATH: MESSAGE`.
    public var renderedLines: [String] { problems.map { $0.rendered(file: file) } }

    /// All problems, one per line.
    public var description: String { renderedLines.joined(separator: "\n") }
}
