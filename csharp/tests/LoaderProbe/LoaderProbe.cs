// Makes the first native call of the binding as a safe class does (a GenerationConfig is a plain object now,
// so the probe makes the native config itself: NativeLibraryLoader.Initialize, the version check, the call, the
// loader's explanation of a failure) and prints what happened: "loaded" or the exception type and message.
// Usage: LoaderProbe.exe
using System;
using OpenVINO.GenAI;
using OpenVINO.GenAI.Native;

public static class LoaderProbe
{
    public static int Main()
    {
        try
        {
            NativeLibraryLoader.Initialize();
            Console.WriteLine(CreateAndFreeConfig());
        }
        catch (Exception e)
        {
            Console.WriteLine(e.GetType().FullName);
            Console.WriteLine(e.Message);
        }
        return 0;
    }

    // In a method of its own: Mono binds a DllImport name when it compiles the method that calls it.
    private static unsafe string CreateAndFreeConfig()
    {
        ApiVersion.Require("ov_genai_generation_config_create", 0);
        IntPtr config;
        Status status;
        try
        {
            status = NativeMethods.ov_genai_generation_config_create(&config);
        }
        catch (DllNotFoundException e) { throw NativeLibraryLoader.Explain(e); }
        catch (EntryPointNotFoundException e) { throw NativeLibraryLoader.Explain(e); }
        if (status != Status.Ok) return "status " + status;
        NativeMethods.ov_genai_generation_config_free(config);
        return "loaded";
    }
}
