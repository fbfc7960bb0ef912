import Testing
import TestSupport

@Suite struct ArticlesSmokeTests {
    @Test func packageRootIsFound() {
        #expect(FileManagerCheck.exists(TestPaths.packageRoot.appendingPathComponent("Package.swift").path))
    }
}
