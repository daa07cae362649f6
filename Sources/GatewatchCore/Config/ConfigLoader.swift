import Foundation
import Yams

/// Reads and validates configuration files. Stateless; callable from any thread.
public enum ConfigLoader {
    /// Reads, parses and validates the config at `path`. Relative `api_key_file` and `ca_file`
    /// paths are resolved against the file's directory. Throws `ConfigError` with every problem
    /// (an unreadable file is one problem).
    public static func load(path: String) throws(ConfigError) -> GatewatchConfig {
        let text = try readText(path)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(yaml: text, file: path, baseDirectory: directory)
    }

    /// Parses and validates config text. `file` names it in problems; `baseDirectory`, when
    /// given, resolves relative `api_key_file` and `ca_file` paths.
    public static func parse(yaml: String, file: String, baseDirectory: String? = nil) throws(ConfigError) -> GatewatchConfig {
        let reader = ConfigNodeReader()
        let root = try compose(yaml, file: file)
        let decoder = GatewatchConfigDecoder(reader: reader, baseDirectory: baseDirectory)
        guard let (config, paths) = decoder.decode(root) else {
            throw ConfigError(file: file, problems: reader.problems)
        }
        var problems = reader.problems
        let alreadyReported = Set(problems.map(\.path))
        for p in config.validationProblems(paths: paths) where !alreadyReported.contains(p.path) {
            problems.append(ConfigProblem(path: p.path, line: reader.line(for: p.path), message: p.message))
        }
        guard problems.isEmpty else { throw ConfigError(file: file, problems: problems) }
        return config
    }

    /// Reads and validates a `--web.config.file` (exporter-toolkit format). Relative file paths
    /// are resolved against the file's directory, and each named file must exist.
    public static func loadWebConfig(path: String) throws(ConfigError) -> WebToolkitConfig {
        let text = try readText(path)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parseWebConfig(yaml: text, file: path, baseDirectory: directory)
    }

    /// Parses and validates web config text (see `loadWebConfig(path:)`).
    public static func parseWebConfig(yaml: String, file: String, baseDirectory: String? = nil) throws(ConfigError) -> WebToolkitConfig {
        let reader = ConfigNodeReader()
        let root = try compose(yaml, file: file)
        let config = WebToolkitConfigDecoder(reader: reader, baseDirectory: baseDirectory).decode(root)
        guard let config, reader.problems.isEmpty else { throw ConfigError(file: file, problems: reader.problems) }
        return config
    }

    /// The file's text, or a `ConfigError` saying why it cannot be read.
    static func readText(_ path: String) throws(ConfigError) -> String {
        func fail(_ message: String) -> ConfigError {
            ConfigError(file: path, problems: [ConfigProblem(path: "", message: message)])
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw fail("cannot read the file: no such file")
        }
        guard !isDirectory.boolValue else { throw fail("cannot read the file: it is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw fail("cannot read the file: permission denied or I/O error")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw fail("cannot read the file: not UTF-8 text")
        }
        return text
    }

    /// The YAML tree of the first document, or a `ConfigError` for a syntax error or an empty document.
    static func compose(_ yaml: String, file: String) throws(ConfigError) -> Node {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ConfigError(file: file, problems: [syntaxProblem(error)])
        } catch {
            throw ConfigError(file: file, problems: [ConfigProblem(path: "", message: "YAML error: \(error)")])
        }
        guard let root, !(root.scalar != nil && root.resolvedTagName == .null) else {
            throw ConfigError(file: file, problems: [ConfigProblem(path: "", line: nil, message: "the file is empty; expected a YAML mapping")])
        }
        return root
    }

    /// One problem for a YAML syntax error, with its line and libyaml's description (no snippet).
    static func syntaxProblem(_ error: YamlError) -> ConfigProblem {
        func text(_ context: YamlError.Context?, _ problem: String) -> String {
            guard let context else { return problem }
            return "\(context.text) (line \(context.mark.line)): \(problem)"
        }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            return ConfigProblem(path: "", line: mark.line, message: "YAML syntax error: \(text(context, problem))")
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return ConfigProblem(path: "", line: context.mark.line, message: "duplicate key \(keys) in the same mapping")
        case let .reader(problem, _, _, _):
            return ConfigProblem(path: "", message: "YAML reader error: \(problem)")
        default:
            return ConfigProblem(path: "", message: "YAML error: \(error)")
        }
    }
}
