// Makes the first native call of the binding and prints what happened: "loaded" or the exception
// type and message. Usage: LoaderProbe.exe
using System;
using OpenVINO.GenAI;

public static class LoaderProbe
{
    public static int Main()
    {
        try
        {
            using (var config = new GenerationConfig())
            {
                Console.WriteLine("loaded max_new_tokens=" + config.MaxNewTokens);
            }
        }
        catch (Exception e)
        {
            Console.WriteLine(e.GetType().FullName);
            Console.WriteLine(e.Message);
        }
        return 0;
    }
}
