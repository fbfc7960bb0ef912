import Testing
import TestSupport

@Suite struct PipelineSmokeTests {
    @Test func packageRootIsFound() {
        #expect(FileManagerCheck.exists(TestPaths.packageRoot.appendingPathComponent("Package.swift").path))
    }
}
