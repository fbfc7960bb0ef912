import Testing
import TestSupport

@Suite struct FeedsSmokeTests {
    @Test func packageRootIsFound() {
        #expect(FileManagerCheck.exists(TestPaths.packageRoot.appendingPathComponent("Package.swift").path))
    }
}
