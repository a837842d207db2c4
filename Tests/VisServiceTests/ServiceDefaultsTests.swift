import Testing
import VisService

@Test func serviceBindsToLoopbackByDefault() {
    #expect(ServiceDefaults.host == "127.0.0.1")
}
