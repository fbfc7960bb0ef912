import Testing
import TestSupport

@Suite struct CoverageSmokeTests {
    @Test func packageRootIsFound() {
        #expect(FileManagerCheck.exists(TestPaths.packageRoot.appendingPathComponent("Package.swift").path))
    }
}
