package dev.recipe.text.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlEntitiesTest {
    @Test
    void decodesNamedAndNumericReferences() {
        assertEquals("a & b < c > d \" e ' f ' g", HtmlEntities.decode("a &amp; b &lt; c &gt; d &quot; e &#39; f &apos; g"));
        assertEquals("\u201Chi\u201D \uD83D\uDE02\uD83D\uDE02", HtmlEntities.decode("&#8220;hi&#8221; &#128514;&#x1F602;"));
    }

    @Test
    void onePassAndUnknownOrInvalidKeptVerbatim() {
        assertEquals("&lt;", HtmlEntities.decode("&amp;lt;"));
        assertEquals("&nbsp; &#; &#xZZ; &#55296; &#0; &#+12; R&B; a & b &", HtmlEntities.decode(
                "&nbsp; &#; &#xZZ; &#55296; &#0; &#+12; R&B; a &amp; b &"));
        assertEquals("no references", HtmlEntities.decode("no references"));
    }
}
