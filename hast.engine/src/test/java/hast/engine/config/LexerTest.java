package hast.engine.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import hast.engine.config.Lexer.Kind;
import hast.engine.config.Lexer.Token;

import org.junit.jupiter.api.Test;

class LexerTest {

    private static List<Token> tokens(String text) throws ConfigException {
        Lexer lexer = new Lexer(text, "hast.conf");
        List<Token> tokens = new ArrayList<>();
        Token t;
        do {
            t = lexer.next();
            tokens.add(t);
        } while (t.kind() != Kind.END);
        return tokens;
    }

    @Test
    void classifiesWordsNumbersKeywordsAndBraces() throws Exception {
        assertEquals(List.of(
                new Token(Kind.KEYWORD, "resource", 1), new Token(Kind.WORD, "r-1.x_y", 1),
                new Token(Kind.OPEN, "{", 1), new Token(Kind.KEYWORD, "timeout", 2), new Token(Kind.NUMBER, "030", 2),
                new Token(Kind.WORD, "tcp6://[::1]:8457", 3), new Token(Kind.WORD, "10.0.0.1", 3),
                new Token(Kind.WORD, "On", 3), new Token(Kind.KEYWORD, "export", 3),
                new Token(Kind.CLOSE, "}", 4), new Token(Kind.END, "", 4)),
                tokens("resource r-1.x_y{\n\ttimeout 030\ntcp6://[::1]:8457 10.0.0.1 On export\n}"));
    }

    @Test
    void commentsRunToTheEndOfTheLineAndEndAWord() throws Exception {
        assertEquals(List.of(new Token(Kind.WORD, "/dev/sdb", 2), new Token(Kind.CLOSE, "}", 3),
                new Token(Kind.END, "", 3)),
                tokens("# local /x {\n/dev/sdb# trailing { comment\r\n}"));
    }

    @Test
    void countsLinesFromOneThroughBlankLinesAndComments() throws Exception {
        assertEquals(new Token(Kind.END, "", 5), tokens("\n#\n  \n\t\n").get(0));
    }
}
