package hast.run;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.apache.felix.service.command.Converter;
import org.osgi.framework.BundleContext;

/** Gogo command lines run in the framework of an in-framework test, as a console would run them. */
final class Gogo {
    private Gogo() {
    }

    /** What a command line printed, and whether it failed (a command that fails throws: exit 1). */
    record Result(int exit, String out, String err) {
    }

    /** Runs one command line; its value is printed as the console prints it. */
    static Result run(BundleContext context, String line) throws Exception {
        CommandProcessor processor = Container.await(context, CommandProcessor.class, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
                CommandSession session = processor.createSession(System.in, o, e)) {
            int exit = 0;
            try {
                Object value = session.execute(line);
                if (value != null) {
                    o.println(session.format(value, Converter.INSPECT));
                }
            } catch (Exception failure) {
                e.println(failure.getMessage());
                exit = 1;
            }
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }
}
