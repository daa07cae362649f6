/// Left-aligns `text` in a column of `width` characters, for the benchmarks' tables.
func pad(_ text: String, _ width: Int) -> String {
    text.padding(toLength: width, withPad: " ", startingAt: 0)
}
