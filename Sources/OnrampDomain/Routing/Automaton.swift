import Foundation

/// A deterministic Aho–Corasick automaton over the values conditions look for in one text field.
/// One pass over a text sets the fact of every `contains` value found in it, of every `prefix`
/// value it starts with and of the `equal` value it is.
struct Automaton: Sendable {
    struct Node: Sendable {
        var depth: Int32
        var outputStart: Int32
        var outputEnd: Int32
        var prefixFact: Int32
        var equalFact: Int32
    }

    /// Input byte → alphabet class (ASCII upper case folded to lower case; 0 = in no value).
    let classes: [UInt16]
    let width: Int
    /// `transitions[node * width + class]`: the next node × 2, + 1 when that node has outputs.
    let transitions: [Int32]
    let nodes: [Node]
    let outputs: [Int32]

    init(_ needles: [(NeedleKind, [UInt8], Int32)]) {
        var classes = [UInt16](repeating: 0, count: 256)
        var next: UInt16 = 1
        for (_, bytes, _) in needles {
            for byte in bytes where classes[Int(byte)] == 0 {
                classes[Int(byte)] = next
                next += 1
            }
        }
        for upper in UInt8(ascii: "A")...UInt8(ascii: "Z") { classes[Int(upper)] = classes[Int(upper + 32)] }
        let width = Int(next)
        // The trie.
        var children: [[UInt16: Int32]] = [[:]]
        var nodes = [Node(depth: 0, outputStart: 0, outputEnd: 0, prefixFact: -1, equalFact: -1)]
        var own: [[Int32]] = [[]]
        for (kind, bytes, fact) in needles {
            var node = 0
            for byte in bytes {
                let cls = classes[Int(byte)]
                if let child = children[node][cls] {
                    node = Int(child)
                } else {
                    let child = Int32(nodes.count)
                    children[node][cls] = child
                    children.append([:])
                    own.append([])
                    nodes.append(Node(depth: nodes[node].depth + 1, outputStart: 0, outputEnd: 0, prefixFact: -1, equalFact: -1))
                    node = Int(child)
                }
            }
            switch kind {
            case .contains: if !own[node].contains(fact) { own[node].append(fact) }
            case .prefix: nodes[node].prefixFact = fact
            case .equal: nodes[node].equalFact = fact
            }
        }
        // Failure links, breadth first, folded into a full transition table; outputs merged
        // along the failure links.
        var transitions = [Int32](repeating: 0, count: nodes.count * width)
        var fail = [Int32](repeating: 0, count: nodes.count)
        var order: [Int] = [0]
        var head = 0
        var merged: [[Int32]] = Array(repeating: [], count: nodes.count)
        while head < order.count {
            let node = order[head]
            head += 1
            if node != 0 { merged[node] = own[node] + merged[Int(fail[node])] }
            for cls in 0..<width {
                let fallback = node == 0 ? 0 : transitions[Int(fail[node]) * width + cls]
                if let child = children[node][UInt16(cls)] {
                    fail[Int(child)] = node == 0 ? 0 : fallback
                    transitions[node * width + cls] = child
                    order.append(Int(child))
                } else {
                    transitions[node * width + cls] = fallback
                }
            }
        }
        var outputs: [Int32] = []
        for node in nodes.indices {
            nodes[node].outputStart = Int32(outputs.count)
            outputs += merged[node]
            nodes[node].outputEnd = Int32(outputs.count)
        }
        for entry in transitions.indices {
            let target = transitions[entry]
            transitions[entry] = target * 2 + (merged[Int(target)].isEmpty ? 0 : 1)
        }
        self.classes = classes
        self.width = width
        self.transitions = transitions
        self.nodes = nodes
        self.outputs = outputs
    }

    func scan(_ text: UnsafeBufferPointer<UInt8>, into state: EvaluationState) {
        classes.withUnsafeBufferPointer { classes in
            transitions.withUnsafeBufferPointer { transitions in
                nodes.withUnsafeBufferPointer { nodes in
                    outputs.withUnsafeBufferPointer { outputs in
                        @inline(__always) func emit(_ node: Int) {
                            var output = Int(nodes[node].outputStart)
                            let end = Int(nodes[node].outputEnd)
                            while output < end {
                                state.set(outputs[output])
                                output &+= 1
                            }
                        }
                        var node = 0
                        var index = 0
                        // While the text read so far is a path from the root, it is a prefix
                        // (and, at the end, the whole text) of some value.
                        while index < text.count {
                            let step = Int(transitions[node &* width &+ Int(classes[Int(text[index])])])
                            node = step &>> 1
                            index &+= 1
                            if step & 1 != 0 { emit(node) }
                            guard Int(nodes[node].depth) == index else { break }
                            if nodes[node].prefixFact >= 0 { state.set(nodes[node].prefixFact) }
                        }
                        if index == text.count {
                            if Int(nodes[node].depth) == index, nodes[node].equalFact >= 0 { state.set(nodes[node].equalFact) }
                            return
                        }
                        // The rest: values found anywhere.
                        while index < text.count {
                            let step = Int(transitions[node &* width &+ Int(classes[Int(text[index])])])
                            node = step &>> 1
                            index &+= 1
                            if step & 1 != 0 { emit(node) }
                        }
                    }
                }
            }
        }
    }
}

enum NeedleKind: UInt8, Hashable, Sendable { case contains, prefix, equal }
