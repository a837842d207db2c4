/// Sine and cosine of whole degrees from a Taylor series using only `+` and `*`, which IEEE 754
/// rounds identically everywhere; libm's `sin`/`cos` may differ in the last bit between platforms,
/// which would change rasterised edges and so the output bytes.
enum DeterministicTrig {
    /// `(sin, cos)` of `degrees`, reduced to [-180, 180) first.
    static func sinCos(degrees: Int) -> (sin: Double, cos: Double) {
        let reduced = ((degrees % 360) + 540) % 360 - 180
        let x = Double(reduced) * 0.017453292519943295
        return (series(x, firstTerm: x, firstPower: 1), series(x, firstTerm: 1, firstPower: 0))
    }

    /// Sum of (-1)^k x^(2k+p) / (2k+p)! for p = `firstPower`; 30 terms converge for |x| <= pi.
    private static func series(_ x: Double, firstTerm: Double, firstPower: Int) -> Double {
        var term = firstTerm
        var sum = term
        var n = firstPower
        for _ in 0..<30 {
            term = -term * x * x / Double((n + 1) * (n + 2))
            n += 2
            sum += term
        }
        return sum
    }
}
