enum BuildRevision { static let value = "unknown" }
