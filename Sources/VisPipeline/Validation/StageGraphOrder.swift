/// Dependency order of a stage graph, and its cycles when there is no order.
///
/// Nodes are stage indices in file order; an edge `from -> to` means stage `to` reads an output of
/// stage `from`. Among stages that are ready at the same time the one written first comes first,
/// so a file already written in dependency order keeps its order.
enum StageGraphOrder {
    struct Result {
        /// Every node not on or downstream of a cycle, in dependency order.
        var order: [Int]
        /// Each cycle as the nodes along it, starting at its first-written node; `[a, b, c]` means
        /// a feeds b, b feeds c and c feeds a.
        var cycles: [[Int]]
    }

    static func sort(nodeCount: Int, edges: Set<Edge>) -> Result {
        var consumers = [[Int]](repeating: [], count: nodeCount)
        var pendingInputs = [Int](repeating: 0, count: nodeCount)
        for edge in edges {
            consumers[edge.from].append(edge.to)
            pendingInputs[edge.to] += 1
        }
        for index in consumers.indices { consumers[index].sort() }

        // Kahn's algorithm, taking the smallest ready index each time (graphs are small).
        var ready = Set((0..<nodeCount).filter { pendingInputs[$0] == 0 })
        var order: [Int] = []
        while let next = ready.min() {
            ready.remove(next)
            order.append(next)
            for consumer in consumers[next] {
                pendingInputs[consumer] -= 1
                if pendingInputs[consumer] == 0 { ready.insert(consumer) }
            }
        }
        guard order.count < nodeCount else { return Result(order: order, cycles: []) }

        // Nodes left over lie on a cycle or downstream of one; walk them depth-first and record
        // each back edge's cycle once.
        let leftOver = Set(0..<nodeCount).subtracting(order)
        var state = [Int: VisitState]()
        var stack: [Int] = []
        var cycles: [[Int]] = []
        var seen = Set<[Int]>()
        func visit(_ node: Int) {
            state[node] = .onStack
            stack.append(node)
            for next in consumers[node] where leftOver.contains(next) {
                switch state[next] {
                case .onStack?:
                    let cycle = Array(stack[stack.lastIndex(of: next)!...])
                    let start = cycle.firstIndex(of: cycle.min()!)!
                    let rotated = Array(cycle[start...] + cycle[..<start])
                    if seen.insert(rotated).inserted { cycles.append(rotated) }
                case .done?: break
                case nil: visit(next)
                }
            }
            stack.removeLast()
            state[node] = .done
        }
        for node in leftOver.sorted() where state[node] == nil { visit(node) }
        return Result(order: order, cycles: cycles.sorted { $0.first! < $1.first! })
    }

    struct Edge: Hashable { var from: Int; var to: Int }
    private enum VisitState { case onStack, done }
}
