// Calls the raw layer (NativeMethods) directly, as a program bypassing the safe classes would, and
// prints "loaded" or the exception. With the argument "initialize" Main first calls
// NativeLibraryLoader.Initialize(); the native call sits in another method, because Mono binds a
// DllImport name when it compiles the method that calls it. Usage: RawLoaderProbe.exe [initialize]
using System;
using OpenVINO.GenAI;
using OpenVINO.GenAI.Native;

public static class RawLoaderProbe
{
    public static int Main(string[] args)
    {
        try
        {
            if (args.Length > 0 && args[0] == "initialize") NativeLibraryLoader.Initialize();
            Console.WriteLine(CreateAndFreeConfig());
        }
        catch (Exception e)
        {
            Console.WriteLine(e.GetType().FullName);
            Console.WriteLine(e.Message);
        }
        return 0;
    }

    private static unsafe string CreateAndFreeConfig()
    {
        IntPtr config;
        Status status = NativeMethods.ov_genai_generation_config_create(&config);
        if (status != Status.Ok) return "status " + status;
        NativeMethods.ov_genai_generation_config_free(config);
        return "loaded";
    }
}
