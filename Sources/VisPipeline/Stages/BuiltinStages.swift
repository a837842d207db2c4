// Temporary placeholder so the CLI compiles before the built-in stages land (pipe-stages owns
// this file; its real version replaces this one at the merge).
public enum BuiltinStages { public static var registry: StageRegistry { StageRegistry([]) } }
