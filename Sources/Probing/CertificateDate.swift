import GatewatchCore

/// Parses the `Expire date:` value libcurl reports through `CURLOPT_CERTINFO` with OpenSSL
/// (`ASN1_TIME_print`: `Dec  2 05:25:55 2027 GMT`), and the ISO form other backends use
/// (`2027-12-02 05:25:55 GMT`). Pure; callable from any thread.
enum CertificateDate {
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Unix seconds, or nil when the text is neither form.
    static func parse(_ text: String) -> Double? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        var year = 0, month = 0, day = 0, hms: [Int] = []
        if parts.count >= 4, let m = months.firstIndex(of: parts[0]), let d = Int(parts[1]), let y = Int(parts[3]) {
            month = m + 1; day = d; year = y
            hms = parts[2].split(separator: ":").compactMap { Int($0) }
        } else if parts.count >= 2 {
            let date = parts[0].split(separator: "-").compactMap { Int($0) }
            guard date.count == 3 else { return nil }
            year = date[0]; month = date[1]; day = date[2]
            hms = parts[1].split(separator: ":").compactMap { Int($0) }
        } else {
            return nil
        }
        guard hms.count == 3, (1...12).contains(month), (1...31).contains(day), (0...23).contains(hms[0]),
              (0...59).contains(hms[1]), (0...60).contains(hms[2]), (1...9999).contains(year) else { return nil }
        return Double(CivilDate.daysSinceEpoch(year: year, month: month, day: day) * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2])
    }

}
