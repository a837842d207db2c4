import ServiceLifecycle

/// Lets `PipelineServer.shutdown()` reach the service group that `run` creates, including a
/// request that arrives before the group exists (it is honoured as soon as the group starts).
actor ShutdownSwitch {
    private var group: ServiceGroup?
    private var requested = false

    /// Registers the running group; shuts it down at once when a shutdown was already requested.
    func attach(_ group: ServiceGroup) async {
        self.group = group
        if requested { await group.triggerGracefulShutdown() }
    }

    func trigger() async {
        requested = true
        await group?.triggerGracefulShutdown()
    }
}
