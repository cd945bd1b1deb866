// Makes the first native call of the binding and prints what happened: "loaded" or the exception
// type and message. Usage: LoaderProbe.exe
using System;
using System.IO;
using OpenVINO.GenAI;

public static class LoaderProbe
{
    public static int Main()
    {
        try
        {
            // A native call every version has (a config is a plain object: it loads nothing).
            using (new LLMPipeline(Path.GetTempPath(), "CPU"))
            {
            }
            Console.WriteLine("loaded");
        }
        catch (GenAIException)
        {
            Console.WriteLine("loaded");  // the library answered
        }
        catch (Exception e)
        {
            Console.WriteLine(e.GetType().FullName);
            Console.WriteLine(e.Message);
        }
        return 0;
    }
}
