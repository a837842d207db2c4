import Testing
@testable import VisPipeline

@Suite struct GlobPatternTests {
    @Test func componentWildcards() {
        #expect(GlobPattern.matchesComponent(Array("*.png"), Array("a.png")))
        #expect(GlobPattern.matchesComponent(Array("*.png"), Array(".png")))
        #expect(!GlobPattern.matchesComponent(Array("*.png"), Array("a.png.txt")))
        #expect(GlobPattern.matchesComponent(Array("img_??.jpg"), Array("img_07.jpg")))
        #expect(!GlobPattern.matchesComponent(Array("img_??.jpg"), Array("img_7.jpg")))
        #expect(GlobPattern.matchesComponent(Array("a*b*c"), Array("aXbYbZc")))
        #expect(!GlobPattern.matchesComponent(Array("a*b*c"), Array("aXbYbZ")))
        #expect(GlobPattern.matchesComponent(Array("*"), Array("")))
        #expect(GlobPattern.matchesComponent(Array("**x"), Array("x")))
        #expect(!GlobPattern.matchesComponent(Array("abc"), Array("abd")))
    }

    @Test func baseDirectoryIsTheLiteralPrefix() {
        #expect(GlobPattern("photos/2024/*.jpg").baseDirectory == "photos/2024")
        #expect(GlobPattern("*.jpg").baseDirectory == ".")
        #expect(GlobPattern("/data/**/x?.png").baseDirectory == "/data")
        #expect(GlobPattern("a/b*/c.png").baseDirectory == "a")
        #expect(GlobPattern.isPattern("a/*.png") && GlobPattern.isPattern("x?.png") && !GlobPattern.isPattern("a/b.png"))
    }

    @Test func starAndQuestionMarkStayInsideOneComponent() {
        let pattern = GlobPattern("root/*.png")
        #expect(pattern.matches(relativePath: "a.png"))
        #expect(!pattern.matches(relativePath: "sub/a.png"))
        #expect(GlobPattern("root/?/*.png").matches(relativePath: "x/a.png"))
        #expect(!GlobPattern("root/?.png").matches(relativePath: "x/.png"))
    }

    @Test func doubleStarMatchesZeroOrMoreComponents() {
        let pattern = GlobPattern("root/**/*.jpg")
        #expect(pattern.matches(relativePath: "a.jpg"))
        #expect(pattern.matches(relativePath: "x/a.jpg"))
        #expect(pattern.matches(relativePath: "x/y/z/a.jpg"))
        #expect(!pattern.matches(relativePath: "x/y/a.png"))
        let middle = GlobPattern("root/a/**/b/*.png")
        #expect(middle.matches(relativePath: "a/b/1.png"))
        #expect(middle.matches(relativePath: "a/q/r/b/1.png"))
        #expect(!middle.matches(relativePath: "a/q/r/c/1.png"))
        #expect(GlobPattern("root/**").matches(relativePath: "any/thing.png"))
    }

    @Test func pruningNeverExcludesAPossibleMatch() {
        let pattern = GlobPattern("root/a*/b/*.png")
        #expect(pattern.mayMatchBelow(relativeDirectory: ""))
        #expect(pattern.mayMatchBelow(relativeDirectory: "ax"))
        #expect(pattern.mayMatchBelow(relativeDirectory: "ax/b"))
        #expect(!pattern.mayMatchBelow(relativeDirectory: "x"))
        #expect(!pattern.mayMatchBelow(relativeDirectory: "ax/c"))
        // Below ax/b only files can match, not deeper folders.
        #expect(!pattern.mayMatchBelow(relativeDirectory: "ax/b/c"))
        #expect(GlobPattern("root/**/*.png").mayMatchBelow(relativeDirectory: "deep/er/still"))
    }
}
