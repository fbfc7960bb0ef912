import Testing
import TestSupport

@Suite struct ConfigSmokeTests {
    @Test func packageRootIsFound() {
        #expect(FileManagerCheck.exists(TestPaths.packageRoot.appendingPathComponent("Package.swift").path))
    }
}
